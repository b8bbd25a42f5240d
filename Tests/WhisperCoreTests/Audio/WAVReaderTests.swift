import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class WAVReaderTests: XCTestCase {
    // MARK: - Helpers

    private func read(_ builder: WAVBuilder, name: String = "test.wav") throws -> MonoAudio {
        try WAVReader.readMono(path: try builder.write(name: name))
    }

    /// Asserts that reading `path` throws `expected`, and that its message names the file.
    private func assertFails(_ path: String, _ expected: AudioError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try WAVReader.readMono(path: path), file: file, line: line) { error in
            XCTAssertEqual(error as? AudioError, expected, file: file, line: line)
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(path + ": "), "message should name the file: \(message)", file: file, line: line)
        }
    }

    private func assertFails(_ builder: WAVBuilder, _ expected: (String) -> AudioError,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try builder.write()
        assertFails(path, expected(path), file: file, line: line)
    }

    /// The sample frames of a simple (fmt, data) WAV, read by hand: the data chunk's bytes.
    private func rawData(_ path: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            if id == "data" { return Array(bytes[(offset + 8)..<min(bytes.count, offset + 8 + size)]) }
            offset += 8 + size + (size & 1)
        }
        throw XCTSkip("no data chunk in \(path)")
    }

    // MARK: - The shared samples

    func testSharedSamplesDecodeWithTheirLengthsAndRates() throws {
        // name: (frames, rate, channels, encoding) — frames from the data chunk sizes, 11 s for the JFK variants.
        let expected: [(String, Int, Int, Int, WAVFormat.SampleEncoding)] = [
            ("jfk.wav", 176_000, 16000, 1, .signedInt16),
            ("jfk-44k-stereo.wav", 485_100, 44100, 2, .signedInt16),
            ("jfk-f32.wav", 176_000, 16000, 1, .float32),
            ("jfk-22k-s24.wav", 242_550, 22050, 1, .signedInt24),
            ("jfk-8k-u8.wav", 88_000, 8000, 1, .unsignedInt8),
            ("silence-5s.wav", 80_000, 16000, 1, .signedInt16),
            ("speech-short.wav", 55_015, 16000, 1, .signedInt16),
            ("speech-long.wav", 859_346, 16000, 1, .signedInt16),
        ]
        for (name, frames, rate, channels, encoding) in expected {
            let path = try SharedData.sample(name)
            let reader = try WAVReader(path: path)
            XCTAssertEqual(reader.sampleRate, rate, name)
            XCTAssertEqual(reader.channelCount, channels, name)
            XCTAssertEqual(reader.format.encoding, encoding, name)
            XCTAssertEqual(reader.declaredFrameCount, frames, name)
            let samples = try reader.readAllMono()
            XCTAssertEqual(samples.count, frames, name)
            XCTAssertTrue(samples.allSatisfy { $0 >= -1 && $0 < 1 }, "\(name): \(samples.min()!) ... \(samples.max()!)")
            if name.hasPrefix("jfk") {
                XCTAssertEqual(Double(samples.count) / Double(rate), 11.0, accuracy: 1e-9, name)
            }
            if name == "silence-5s.wav" {
                // Silence with ±1 LSB of dither.
                XCTAssertTrue(samples.allSatisfy { abs($0) <= 1.0 / 32768 })
            } else {
                let rms = (samples.map { Double($0) * Double($0) }.reduce(0, +) / Double(samples.count)).squareRoot()
                XCTAssertGreaterThan(rms, 0.01, "\(name) should hold audible audio")
            }
        }
    }

    func testSixteenBitSamplesMatchTheRawBytes() throws {
        let path = try SharedData.sample("jfk.wav")   // has a LIST chunk before data
        let raw = try rawData(path)
        let samples = try WAVReader.readMono(path: path).samples
        XCTAssertEqual(samples.count, raw.count / 2)
        for i in stride(from: 0, to: samples.count, by: 997) {
            let v = Int16(bitPattern: UInt16(raw[2 * i]) | UInt16(raw[2 * i + 1]) << 8)
            XCTAssertEqual(samples[i], Float(v) / 32768, "sample \(i)")
        }
    }

    func testFloatAndStereoVariantsCarryTheSameSignal() throws {
        let reference = try WAVReader.readMono(path: try SharedData.sample("jfk.wav")).samples
        // The float file is the 16-bit one converted: equal up to float rounding of a conversion tool.
        let float = try WAVReader.readMono(path: try SharedData.sample("jfk-f32.wav")).samples
        XCTAssertEqual(float.count, reference.count)
        let maxDiff = zip(float, reference).map { abs($0 - $1) }.max() ?? 1
        XCTAssertLessThan(maxDiff, 1e-4)
    }

    // MARK: - Sample decoding

    func testSampleScalingOfEveryEncoding() throws {
        var b = WAVBuilder()
        b.bitsPerSample = 8
        b.data = [0, 128, 255, 64]
        XCTAssertEqual(try read(b).samples, [-1, 0, 127.0 / 128, -0.5])

        b.bitsPerSample = 16
        b.data = WAVBuilder.s16([-32768, 0, 32767, 16384])
        XCTAssertEqual(try read(b).samples, [-1, 0, 32767.0 / 32768, 0.5])

        b.bitsPerSample = 24
        b.data = [0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0xC0, 0xFF, 0xFF, 0xFF]
        XCTAssertEqual(try read(b).samples, [-1, 0, Float(8_388_607.0 / 8_388_608.0), -0.5, -1.0 / 8_388_608])

        b.bitsPerSample = 32
        b.data = WAVBuilder.le32(Int(Int32.min) & 0xFFFF_FFFF) + WAVBuilder.le32(1 << 30)
        XCTAssertEqual(try read(b).samples, [-1, 0.5])

        b.formatCode = 3
        b.data = [Float(0.25), -0.75, .nan, .infinity].flatMap { WAVBuilder.le32(Int($0.bitPattern)) }
        XCTAssertEqual(try read(b).samples, [0.25, -0.75, 0, 0], "non-finite float samples become 0")

        b.bitsPerSample = 64
        b.data = [Double(0.125), -1.5].flatMap { d -> [UInt8] in
            let bits = d.bitPattern
            return (0..<8).map { UInt8((bits >> (8 * UInt64($0))) & 0xFF) }
        }
        XCTAssertEqual(try read(b).samples, [0.125, -1], "beyond full scale: clipped, as a conversion to 16-bit PCM does")
    }

    func testChannelsAreAveraged() throws {
        var b = WAVBuilder()
        b.channels = 3
        b.data = WAVBuilder.s16([3000, 6000, 0, -32768, -32768, -32768])
        let audio = try read(b)
        XCTAssertEqual(audio.samples.count, 2)
        XCTAssertEqual(audio.samples[0], 9000.0 / 3 / 32768, accuracy: 1e-7)
        XCTAssertEqual(audio.samples[1], -1, accuracy: 1e-7)
    }

    func testChunkedReadingEqualsReadingAtOnce() throws {
        let path = try SharedData.sample("jfk-44k-stereo.wav")
        let whole = try WAVReader.readMono(path: path).samples
        let reader = try WAVReader(path: path)
        var pieces: [Float] = []
        var sizes = [1, 7, 1000, 4093, 65536]
        while true {
            let n = sizes.removeFirst()
            sizes.append(n)
            let got = try reader.readMono(maxFrames: n)
            if got.isEmpty { break }
            XCTAssertLessThanOrEqual(got.count, n)
            pieces += got
        }
        XCTAssertEqual(pieces, whole)
        XCTAssertEqual(reader.framesRead, whole.count)
        XCTAssertEqual(try reader.readMono(maxFrames: 10), [])
    }

    func testReadingFromAPipe() throws {
        // A pipe cannot seek, so unknown chunks are skipped by reading; the size is "unknown".
        var b = WAVBuilder()
        b.extraChunks = [("LIST", Array(repeating: 7, count: 301))]
        b.data = WAVBuilder.s16([1, 2, 3, -4])
        b.dataSizeField = 0xFFFF_FFFF
        let bytes = b.bytes()
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let written = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        XCTAssertEqual(written, bytes.count)
        close(fds[1])
        let reader = try WAVReader(fileDescriptor: fds[0], name: "<pipe>", closeWhenDone: true)
        XCTAssertNil(reader.declaredFrameCount)
        XCTAssertNil(reader.expectedFrameCount)
        XCTAssertEqual(try reader.readAllMono(), [1, 2, 3, -4].map { Float($0) / 32768 })
    }

    // MARK: - Sloppy but readable files

    func testDataSizeLargerThanTheFileReadsToTheEndInWholeFrames() throws {
        var b = WAVBuilder()
        b.channels = 2
        b.data = WAVBuilder.s16([100, 300, -100, -300]) + [0x01]   // a cut third frame
        b.dataSizeField = 1_000_000
        let reader = try WAVReader(path: try b.write())
        XCTAssertEqual(reader.declaredFrameCount, 250_000)
        XCTAssertEqual(reader.expectedFrameCount, 2, "capped by the file's size")
        XCTAssertEqual(try reader.readAllMono(), [200.0 / 32768, -200.0 / 32768])
    }

    func testStreamingSizesMeanToTheEndOfTheFile() throws {
        for size: UInt32 in [0, 0xFFFF_FFFF] {
            var b = WAVBuilder()
            b.data = WAVBuilder.s16([5, 6, 7]) + [0x09]
            b.dataSizeField = size
            XCTAssertEqual(try read(b).samples, [5, 6, 7].map { Float($0) / 32768 }, "data size \(size)")
        }
    }

    func testDataSizeSmallerThanTheFileStopsThere() throws {
        var b = WAVBuilder()
        b.data = WAVBuilder.s16([5, 6, 7]) + Array("LIST".utf8) + WAVBuilder.le32(2) + [1, 2]
        b.dataSizeField = 6
        XCTAssertEqual(try read(b).samples, [5, 6, 7].map { Float($0) / 32768 })
    }

    func testOddSizedUnknownChunksAreSkippedWithOrWithoutPadByte() throws {
        for omitPad in [false, true] {
            var b = WAVBuilder()
            b.extraChunks = [("junk", [1, 2, 3]), ("bext", Array(repeating: 0x41, count: 5))]
            b.omitPad = omitPad
            b.data = WAVBuilder.s16([11, -11])
            XCTAssertEqual(try read(b).samples, [11.0 / 32768, -11.0 / 32768], "omitPad \(omitPad)")
        }
    }

    func testExtensibleFloatAndPCM() throws {
        var b = WAVBuilder()
        b.formatCode = 0xFFFE
        b.bitsPerSample = 32
        b.channels = 2
        b.fmtExtra = WAVBuilder.extensible(validBits: 32, subFormat: 3, channelMask: 3)
        b.data = [Float(0.5), 0.25, -1, 0].flatMap { WAVBuilder.le32(Int($0.bitPattern)) }
        let float = try WAVReader(path: try b.write())
        XCTAssertEqual(float.format.encoding, .float32)
        XCTAssertEqual(try float.readAllMono(), [0.375, -0.5])

        // 20 valid bits in a 24-bit container: decoded by container.
        b.bitsPerSample = 24
        b.channels = 1
        b.fmtExtra = WAVBuilder.extensible(validBits: 20, subFormat: 1)
        b.data = [0x00, 0x00, 0x40]
        let pcm = try WAVReader(path: try b.write())
        XCTAssertEqual(pcm.format.encoding, .signedInt24)
        XCTAssertEqual(pcm.format.bitsPerSample, 20)
        XCTAssertEqual(try pcm.readAllMono(), [0.5])
    }

    func testTwentyFourBitsInFourByteContainers() throws {
        var b = WAVBuilder()
        b.bitsPerSample = 24
        b.blockAlign = 4
        b.data = WAVBuilder.le32(1 << 30)
        XCTAssertEqual(try read(b).samples, [0.5])
    }

    func testRF64WithDS64Size() throws {
        var b = WAVBuilder()
        b.data = WAVBuilder.s16([1, 2, 3, 4])
        b.dataSizeField = 0xFFFF_FFFF
        var bytes = b.bytes()
        // RF64: magic, then a ds64 chunk (riff size, data size = 4 bytes, sample count, table length).
        bytes.replaceSubrange(0..<4, with: Array("RF64".utf8))
        let ds64 = Array("ds64".utf8) + WAVBuilder.le32(28) + WAVBuilder.le32(0) + WAVBuilder.le32(0)
            + WAVBuilder.le32(4) + WAVBuilder.le32(0) + WAVBuilder.le32(2) + WAVBuilder.le32(0) + WAVBuilder.le32(0)
        bytes.insert(contentsOf: ds64, at: 12)
        let path = try TemporaryFiles.write(bytes, name: "rf64.wav")
        let reader = try WAVReader(path: path)
        XCTAssertEqual(reader.declaredFrameCount, 2)
        XCTAssertEqual(try reader.readAllMono(), [1, 2].map { Float($0) / 32768 })
    }

    // MARK: - Refused files

    func testOtherCodecsAreRefusedByName() throws {
        let codecs: [(UInt16, Int, String)] = [(6, 8, "A-law"), (7, 8, "µ-law"), (2, 4, "Microsoft ADPCM"),
                                                (0x11, 4, "IMA ADPCM"), (0x55, 0, "MP3"), (0x1234, 16, "an unsupported codec")]
        for (code, bits, name) in codecs {
            var b = WAVBuilder()
            b.formatCode = code
            b.bitsPerSample = bits
            b.blockAlign = 1
            b.data = [0x7F, 0xFF, 0x00, 0x80]
            let path = try b.write()
            assertFails(path, .unsupportedEncoding(file: path, formatCode: code, name: name))
            XCTAssertThrowsError(try WAVReader(path: path)) { error in
                XCTAssertTrue("\(error)".contains(name), "\(error)")
            }
        }
    }

    func testExtensibleWithAnUnknownSubFormatOrShortExtension() throws {
        var b = WAVBuilder()
        b.formatCode = 0xFFFE
        b.fmtExtra = WAVBuilder.extensible(validBits: 16, subFormat: 7)   // µ-law inside extensible
        try assertFails(b) { .unsupportedEncoding(file: $0, formatCode: 7, name: "µ-law") }

        var guid = WAVBuilder.extensible(validBits: 16, subFormat: 1)
        guid[guid.count - 1] ^= 0xFF   // not the standard GUID tail
        b.fmtExtra = guid
        try assertFails(b) { .unsupportedSubFormat(file: $0, guid: "00000001-0000-0010-8000-00AA00389B8E") }

        b.fmtExtra = WAVBuilder.le16(0)   // an 18-byte fmt chunk cannot hold the extension
        try assertFails(b) { .formatChunkTooShort(file: $0, size: 18, needed: 40) }
    }

    func testNonsenseHeaderFields() throws {
        var b = WAVBuilder()
        b.data = WAVBuilder.s16([1])
        b.channels = 0
        b.blockAlign = 2
        try assertFails(b) { .invalidChannelCount(file: $0, channels: 0) }

        b = WAVBuilder()
        b.sampleRate = 0
        try assertFails(b) { .invalidSampleRate(file: $0, rate: 0) }
        b.sampleRate = 4_000_000_000
        try assertFails(b) { .invalidSampleRate(file: $0, rate: 4_000_000_000) }

        b = WAVBuilder()
        b.bitsPerSample = 0
        b.blockAlign = 2
        try assertFails(b) { .unsupportedBitDepth(file: $0, bits: 0, encoding: "PCM") }
        b.bitsPerSample = 48
        b.blockAlign = nil
        try assertFails(b) { .unsupportedBitDepth(file: $0, bits: 48, encoding: "PCM") }
        b.formatCode = 3
        b.bitsPerSample = 16
        try assertFails(b) { .unsupportedBitDepth(file: $0, bits: 16, encoding: "float") }

        b = WAVBuilder()
        b.channels = 2
        b.blockAlign = 3
        try assertFails(b) { .invalidBlockAlign(file: $0, blockAlign: 3, channels: 2, bits: 16) }

        b = WAVBuilder()
        b.fmtBody = [1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0, 0x7D, 0, 0, 2, 0]   // 14 bytes: WAVEFORMAT without bits
        try assertFails(b) { .formatChunkTooShort(file: $0, size: 14, needed: 16) }
    }

    func testMissingChunks() throws {
        var b = WAVBuilder()
        b.includeFormat = false
        b.data = WAVBuilder.s16([1, 2])
        try assertFails(b) { .missingFormatChunk(file: $0) }

        b = WAVBuilder()
        b.dataBeforeFormat = true
        try assertFails(b) { .missingFormatChunk(file: $0) }

        b = WAVBuilder()
        b.includeData = false
        b.extraChunks = [("LIST", [1, 2, 3, 4])]
        try assertFails(b) { .missingDataChunk(file: $0) }
    }

    func testTruncatedHeaders() throws {
        let full = WAVBuilder().bytes()
        for (cut, detail) in [(8, "the file is only 8 bytes long"), (3, "the file is only 3 bytes long"),
                              (16, "the file ends inside a chunk header"), (30, "the file ends inside the 'fmt ' chunk")] {
            let path = try TemporaryFiles.write(Array(full.prefix(cut)), name: "cut.wav")
            assertFails(path, .truncatedHeader(file: path, detail: detail))
        }
        // Cut right after the fmt chunk: nothing is missing but the data.
        let path = try TemporaryFiles.write(Array(full.prefix(36)), name: "nodata.wav")
        assertFails(path, .missingDataChunk(file: path))
    }

    func testFilesThatAreNotWAV() throws {
        let empty = try TemporaryFiles.write([], name: "empty.wav")
        assertFails(empty, .emptyFile(file: empty))

        let text = try TemporaryFiles.write(Array("Hello, this is a transcript, not audio.\n".utf8), name: "notes.wav")
        assertFails(text, .notWAV(file: text, kind: "it looks like a text file"))

        let mp3 = try TemporaryFiles.write(Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 0x21] + Array(repeating: 0xAA, count: 64),
                                           name: "song.mp3")
        assertFails(mp3, .notWAV(file: mp3, kind: "it looks like an MP3 file"))

        let frameSync = try TemporaryFiles.write([0xFF, 0xFB, 0x90, 0x64] + Array(repeating: 0, count: 100), name: "raw.mp3")
        assertFails(frameSync, .notWAV(file: frameSync, kind: "it looks like an MP3 file"))

        let avi = try TemporaryFiles.write(Array("RIFF".utf8) + WAVBuilder.le32(100) + Array("AVI LIST".utf8), name: "movie.avi")
        assertFails(avi, .notWAV(file: avi, kind: "a RIFF file of type 'AVI ', not 'WAVE'"))

        let binary = try TemporaryFiles.write([0x00, 0x01, 0x02, 0x03, 0xFE, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
                                              name: "blob.wav")
        assertFails(binary, .notWAV(file: binary, kind: "unrecognised content"))

        let model = try SharedData.model("nano-synthetic-f16.bin")
        assertFails(model, .notWAV(file: model, kind: "it looks like a GGML/GGUF model file, not audio"))
    }

    func testUnopenableFiles() throws {
        let dir = try TemporaryFiles.directory()
        assertFails(dir.path, .cannotOpen(file: dir.path, reason: "it is a directory"))
        let missing = dir.appendingPathComponent("nope.wav").path
        XCTAssertThrowsError(try WAVReader.readMono(path: missing)) { error in
            guard case .cannotOpen(let file, _)? = error as? AudioError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, missing)
            XCTAssertTrue("\(error)".contains("nope.wav"))
        }
    }

    func testCorruptedHeadersNeverCrash() throws {
        // Every truncation and 1500 random header corruptions of a valid file must either
        // decode or throw an AudioError — never trap, hang or allocate absurdly.
        var b = WAVBuilder()
        b.channels = 2
        b.extraChunks = [("LIST", [1, 2, 3])]
        b.data = WAVBuilder.s16((0..<64).map { Int16($0 * 100) })
        let valid = b.bytes()
        let dir = try TemporaryFiles.directory()
        let path = dir.appendingPathComponent("fuzz.wav").path
        func attempt(_ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let audio = try WAVReader.readMono(path: path)
                XCTAssertLessThanOrEqual(audio.samples.count, bytes.count)
            } catch let error as AudioError {
                XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
            }
        }
        for cut in 0..<valid.count { try attempt(Array(valid.prefix(cut))) }
        var rng = SeededGenerator(seed: 2024)
        for _ in 0..<1500 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<56, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            try attempt(bytes)
        }
    }

    func testMessagesExplainTheProblem() {
        let message = AudioError.unsupportedEncoding(file: "call.wav", formatCode: 7, name: "µ-law").description
        XCTAssertTrue(message.hasPrefix("call.wav: "))
        XCTAssertTrue(message.contains("µ-law") && message.contains("0x0007") && message.contains("ffmpeg"), message)
    }
}
