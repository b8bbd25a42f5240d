import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Buffers that cannot fit in memory are refused with an `AllocationError` that says how many bytes
/// were needed and what for — never a crash.
final class MemoryLimitTests: XCTestCase {
    // Memory limits, files and the clock come from the platform host (installed by its entry points,
    // but these tests may run before any of them).
    override func setUp() { PlatformHost.install() }

    func testKeyValueCacheTooLargeForMemory() throws {
        // large-v3's decoder (32 layers, d = 1280, 448 positions) with a million beams: 59.6 TB
        // (keys and values of 32 layers, and one layer's worth to reorder the beams).
        XCTAssertThrowsError(try KeyValueCache(layers: 32, slots: 1_000_000, capacity: 448, width: 1280)) { error in
            guard let e = specific(error) as? AllocationError else { return XCTFail("\(error)") }
            let bytes = (32 * 2 + 1) * 1_000_000 * 448 * 1280 * 4
            XCTAssertEqual(e.bytes, bytes)
            XCTAssertTrue(e.description.contains("\(bytes) bytes"), e.description)
            XCTAssertTrue(e.description.contains("TiB"), e.description)
            XCTAssertTrue(e.description.contains("1000000 sequences"), e.description)
            XCTAssertTrue(e.description.contains("this machine has"), e.description)
        }
        // A size that overflows 64 bits is reported as such.
        XCTAssertThrowsError(try KeyValueCache(layers: 4, slots: Int.max / 2, capacity: 448, width: 384)) { error in
            guard let e = specific(error) as? AllocationError else { return XCTFail("\(error)") }
            XCTAssertNil(e.bytes)
            XCTAssertTrue(e.description.contains("more than \(Int.max) bytes"), e.description)
        }
        // A cache that fits is allocated, empty.
        let cache = try KeyValueCache(layers: 2, slots: 3, capacity: 16, width: 8)
        XCTAssertEqual(cache.keys.count, 2)
        XCTAssertEqual(cache.values[1].count, 3 * 16 * 8)
        XCTAssertEqual(cache.lengths, [0, 0, 0])
    }

    /// The bound is the run's, not one buffer's: what fits in the machine's memory but not beside
    /// what the process already holds is refused (the probe's -bs 4000: a 23 GiB cache on 23.5 GiB).
    func testABufferIsCheckedAgainstWhatIsLeft() throws {
        let held = MemoryBudget.residentBytes
        XCTAssertGreaterThan(held, 0, "the resident set is known on Linux")
        let wouldFitAlone = MemoryBudget.physicalMemory - held / 2
        XCTAssertThrowsError(try MemoryBudget.require(bytes: wouldFitAlone, for: "a test buffer"))
        XCTAssertNoThrow(try MemoryBudget.require(bytes: 1 << 20, for: "a test buffer"))
    }

    func testFloatBufferRefusesImpossibleSizes() throws {
        XCTAssertThrowsError(try FloatBuffer(count: Int.max / 2, purpose: "a test buffer")) { error in
            XCTAssertTrue("\(error)".contains("a test buffer"), "\(error)")
        }
        let tooBig = MemoryBudget.physicalMemory / 4 + 1_000_000
        XCTAssertThrowsError(try FloatBuffer(count: tooBig, purpose: "a test buffer")) { error in
            XCTAssertEqual((specific(error) as? AllocationError)?.bytes, tooBig * 4)
        }
        let fits = try FloatBuffer(count: 1000, purpose: "a test buffer")
        XCTAssertEqual(fits.count, 1000)
        XCTAssertEqual(Int(bitPattern: fits.pointer) % 64, 0, "64-byte aligned")
    }

    func testTranscriptionWithAbsurdBeamSizeThrows() throws {
        let model = try WhisperModel(path: ModelFileBuilder.tiny().write())
        let transcriber = try Transcriber(model: model)
        var options = TranscriptionOptions()
        // 1 layer × (keys, values, spare) × 8 positions × 4 values × 4 bytes = 384 bytes per beam.
        let beams = max(1_000_000_000, MemoryBudget.physicalMemory / 384 * 4)
        options.decoding.beamSize = beams
        options.temperatures = [0]
        XCTAssertThrowsError(try transcriber.transcribe(samples: [Float](repeating: 0.01, count: 16_000), options: options)) { error in
            guard let e = specific(error) as? AllocationError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.bytes, beams * 384)
            XCTAssertTrue(e.description.contains("key/value cache"), e.description)
        }
    }

    func testByteCountsAreReadable() {
        XCTAssertEqual(AllocationError.format(512), "512 B")
        XCTAssertEqual(AllocationError.format(1536), "1.50 KiB")
        XCTAssertEqual(AllocationError.format(100 << 20), "100 MiB")
        XCTAssertEqual(AllocationError.format(Int(8.34 * Double(1 << 40))), "8.34 TiB")
        XCTAssertEqual(AllocationError.format(Int.max), "8.00 EiB")
    }
}
