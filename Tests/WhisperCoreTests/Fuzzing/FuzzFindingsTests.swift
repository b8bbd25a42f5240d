import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fuzzers' findings, each pinned by a small deterministic test of its fix.
final class FuzzFindingsTests: XCTestCase {
    /// An RF64 file whose ds64 chunk claims `dataSize` bytes of 16-bit mono audio but holds 4 samples.
    func rf64(claiming dataSize: UInt64) -> [UInt8] {
        let samples = WAVBuilder.s16([100, -200, 300, -400])
        let ds64 = withUnsafeBytes(of: UInt64(0).littleEndian, Array.init)
            + withUnsafeBytes(of: dataSize.littleEndian, Array.init)
            + withUnsafeBytes(of: UInt64(0).littleEndian, Array.init) + WAVBuilder.le32(0)
        return WAVSeeds.riff([("ds64", ds64, nil), ("fmt ", WAVSeeds.fmt(code: 1, channels: 1, rate: 16_000, bits: 16), nil),
                              ("data", samples, 0xFFFF_FFFF)], magic: "RF64")
    }

    /// Finding (WAV, pipes): a header claiming 4 GiB — or, via RF64, 2⁶² bytes — of audio made
    /// `readAllMono` and `AudioLoader` reserve memory for all of it before reading a byte (an 8 GiB
    /// allocation from a 100-byte input). Only a size the file itself bounds may be reserved.
    func testAHeaderOnAPipeCannotMakeTheReaderReserveWhatItClaims() throws {
        for claim: UInt64 in [1 << 32, 1 << 40, 1 << 62] {
            let bytes = rf64(claiming: claim)
            let pipe = try XCTUnwrap(WAVFileFuzzTests.pipe(holding: bytes))
            let reader = try WAVReader(fileDescriptor: pipe, name: "pipe", closeWhenDone: true)
            XCTAssertEqual(reader.declaredFrameCount, Int(claim / 2))
            XCTAssertLessThanOrEqual(reader.reservableFrameCount ?? 0, WAVReader.unboundedReservation)
            XCTAssertEqual(try reader.readAllMono(), [100, -200, 300, -400].map { Float($0) / 32768 })
        }
        // From a regular file, the file's size caps the expectation and the reservation.
        let path = try TemporaryFiles.write(rf64(claiming: 1 << 40), name: "rf64.wav")
        XCTAssertEqual(try WAVReader(path: path).reservableFrameCount, 4)
        #if os(Linux)
        // AudioLoader through a path that is a pipe.
        let pipe = try XCTUnwrap(WAVFileFuzzTests.pipe(holding: rf64(claiming: 1 << 62)))
        defer { close(pipe) }
        XCTAssertEqual(try AudioLoader.loadMono16k(path: "/dev/fd/\(pipe)").count, 4)
        #endif
    }

    /// Finding (WAV, float data): 64-bit samples beyond Float's range became ±infinity, and huge
    /// finite 32-bit samples overflowed in the channel mix and the resampler (infinity, NaN).
    func testFloatSamplesStayFiniteThroughMixingAndResampling() throws {
        let limit = WAVReader.floatSampleLimit
        var b = WAVBuilder()
        b.formatCode = 3
        b.bitsPerSample = 64
        b.data = [1e300, -1e300, 0.5, -Double.greatestFiniteMagnitude].flatMap { WAVBuilder.le32(Int($0.bitPattern & 0xFFFF_FFFF)) + WAVBuilder.le32(Int($0.bitPattern >> 32)) }
        XCTAssertEqual(try WAVReader.readMono(path: try b.write()).samples, [limit, -limit, 0.5, -limit])

        b.bitsPerSample = 32
        b.channels = 2
        b.sampleRate = 8_000
        let loud: [Float] = (0..<400).flatMap { i -> [Float] in [.greatestFiniteMagnitude, i % 2 == 0 ? .greatestFiniteMagnitude : -1e38] }
        b.data = loud.flatMap { WAVBuilder.le32(Int($0.bitPattern)) }
        let path = try b.write()
        let mixed = try WAVReader.readMono(path: path).samples
        XCTAssertEqual(mixed.count, 400)
        XCTAssertTrue(mixed.allSatisfy { $0.isFinite && abs($0) <= limit }, "\(mixed.prefix(4))")
        let resampled = try AudioLoader.loadMono16k(path: path)
        XCTAssertEqual(resampled.count, 800)
        XCTAssertTrue(resampled.allSatisfy(\.isFinite))
    }

    /// A model parsed from memory (the fuzzer's path) is the same as the file mapped from disk.
    func testModelParsedFromMemoryEqualsTheMappedFile() throws {
        let bytes = ModelFileBuilder.tiny().bytes()
        let path = try TemporaryFiles.write(bytes, name: "model.bin")
        let mapped = try GGMLModelFile(path: path)
        let copied = try GGMLModelFile(file: bytes.withUnsafeBytes { try MappedFile(copying: $0, path: path) })
        XCTAssertEqual(mapped.hyperparameters, copied.hyperparameters)
        XCTAssertEqual(mapped.tensors, copied.tensors)
        XCTAssertEqual(mapped.vocabulary, copied.vocabulary)
        XCTAssertEqual(Array(mapped.file.bytes), Array(copied.file.bytes))
        XCTAssertThrowsError(try GGMLModelFile(file: [UInt8]().withUnsafeBytes { try MappedFile(copying: $0, path: "empty") })) {
            XCTAssertTrue("\($0)".hasPrefix("empty: "), "\($0)")
        }
    }

    /// Named pipes never block: without a writer they are refused at once, as audio and as models.
    func testNamedPipesWithoutAWriterAreRefusedAtOnce() throws {
        let fifo = try TemporaryFiles.directory().appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let start = Date()
        XCTAssertThrowsError(try WAVReader(path: fifo)) { error in
            XCTAssertEqual(error as? AudioError, .cannotOpen(file: fifo, reason: "it is a named pipe (FIFO) with no writer"))
        }
        XCTAssertThrowsError(try GGMLModelFile(path: fifo)) { error in
            XCTAssertEqual((error as? ModelLoadError)?.reason, .cannotOpen("it is a named pipe (FIFO), not a model file"))
        }
        XCTAssertLessThan(-start.timeIntervalSinceNow, 5)
    }

    /// A header-only WAV decodes to nothing, and AudioLoader — the way to Whisper's input — says so.
    func testHeaderOnlyWAVHasNoAudio() throws {
        let path = try WAVBuilder().write(name: "header-only.wav")
        XCTAssertEqual(try WAVReader.readMono(path: path).samples, [])
        XCTAssertThrowsError(try AudioLoader.loadMono16k(path: path)) { error in
            XCTAssertEqual(error as? AudioError, .noAudio(file: path))
            XCTAssertTrue("\(error)".hasPrefix(path + ": "))
        }
        var one = WAVBuilder()
        one.data = WAVBuilder.s16([5])
        XCTAssertEqual(try AudioLoader.loadMono16k(path: try one.write()), [5.0 / 32768])
    }

    /// The message about a wrong file given as a model says what it is.
    func testAWAVFileGivenAsAModelIsRecognised() throws {
        let path = try WAVBuilder(data: WAVBuilder.s16([1, 2])).write(name: "speech.wav")
        XCTAssertThrowsError(try GGMLModelFile(path: path)) { error in
            XCTAssertTrue("\(error)".contains("RIFF/WAV"), "\(error)")
        }
    }
}
