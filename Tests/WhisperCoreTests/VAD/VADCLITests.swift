import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// `whisper-cli vad` and `whisper-cli --vad`, run as a user would (the built release binary).
final class VADCLITests: XCTestCase {
    func vadModel() throws -> String { try SharedData.model("silero-v6.2.0-ggml.bin") }

    func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map(String.init)
    }

    func referenceCentiseconds(_ sample: String) throws -> [String] {
        try SileroVADParityTests.referenceSegments(sample).map { "\($0.startCentiseconds)\t\($0.endCentiseconds)" }
    }

    // MARK: whisper-cli vad

    func testVADCommandPrintsWhisperCppSegments() throws {
        for sample in SileroVADParityTests.samples {
            let output = try CLIRunner.run(["vad", "-vm", try vadModel(), "--format", "cs", try SharedData.sample(sample + ".wav")])
            XCTAssertEqual(output.status, 0, output.stderr)
            XCTAssertEqual(lines(output.stdout), try referenceCentiseconds(sample), sample)
        }
        // Seconds (the default) and timestamps.
        let jfk = try SharedData.sample("jfk.wav")
        let seconds = try CLIRunner.run(["vad", "-np", "-vm", try vadModel(), jfk])
        XCTAssertEqual(seconds.status, 0, seconds.stderr)
        XCTAssertEqual(lines(seconds.stdout), ["0.32\t2.27", "3.27\t4.41", "5.38\t7.68", "8.16\t10.62"])
        XCTAssertEqual(seconds.stderr, "")
        let stamps = try CLIRunner.run(["vad", "-vm", try vadModel(), "--format", "ts", jfk])
        XCTAssertEqual(lines(stamps.stdout).first, "00:00:00.320\t00:00:02.270")
    }

    func testVADCommandOptionsAndSeveralFiles() throws {
        let jfk = try SharedData.sample("jfk.wav"), silence = try SharedData.sample("silence-5s.wav")
        let both = try CLIRunner.run(["vad", "-vm", try vadModel(), "-f", jfk, silence])
        XCTAssertEqual(both.status, 0, both.stderr)
        XCTAssertEqual(lines(both.stdout).count, 4)
        XCTAssertTrue(lines(both.stdout).allSatisfy { $0.hasPrefix(jfk + "\t") })

        // A 2 s minimum silence joins jfk's pauses into one segment, and the 0.4 s of silence at the
        // end is too short to close it: it runs to the end of the last window, 344 × 512 samples.
        let joined = try CLIRunner.run(["vad", "-vm", try vadModel(), "-vsd", "2000", jfk])
        XCTAssertEqual(lines(joined.stdout), ["0.32\t11.01"])
        // A threshold above every probability finds nothing.
        let none = try CLIRunner.run(["vad", "-vm", try vadModel(), "-vt", "1", jfk])
        XCTAssertEqual(none.status, 0)
        XCTAssertEqual(none.stdout, "")

        let probabilities = try CLIRunner.run(["vad", "-vm", try vadModel(), "--probs", jfk])
        XCTAssertEqual(lines(probabilities.stdout).count, 344)
    }

    func testVADCommandSilenceAndErrors() throws {
        let silence = try CLIRunner.run(["vad", "-vm", try vadModel(), try SharedData.sample("silence-5s.wav")])
        XCTAssertEqual(silence.status, 0, silence.stderr)
        XCTAssertEqual(silence.stdout, "")

        let missing = try CLIRunner.run(["vad", "-vm", "/nonexistent/silero.bin", try SharedData.sample("jfk.wav")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/silero.bin"), missing.stderr)

        let badFile = try CLIRunner.run(["vad", "-vm", try vadModel(), "/nonexistent/audio.wav"])
        XCTAssertEqual(badFile.status, 1)

        for arguments in [["vad", "--bogus"], ["vad", "-vt", "2", "x.wav"], ["vad", "--format", "xml", "x.wav"], ["vad"]] {
            XCTAssertEqual(try CLIRunner.run(arguments).status, 2, "\(arguments)")
        }
        let help = try CLIRunner.run(["vad", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("START<TAB>END"))
    }

    /// Without -vm, whisper-cli looks for Models/ggml-silero-v6.2.0.bin and says so when it is absent.
    func testDefaultModelLocation() throws {
        let directory = TestScratch.path("vad-cli")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("Models"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = try CLIRunner.binary()
        let jfk = try SharedData.sample("jfk.wav")
        /// Runs `whisper-cli vad` in `directory`, so that the relative default path resolves there.
        func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["vad"] + arguments
            process.currentDirectoryURL = directory
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Small outputs: reading one pipe after the other cannot block.
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
        }
        let absent = try run([jfk])
        XCTAssertEqual(absent.status, 1)
        XCTAssertTrue(absent.stderr.contains("Models/ggml-silero-v6.2.0.bin"), absent.stderr)
        XCTAssertTrue(absent.stderr.contains("-vm"), absent.stderr)

        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("Models/ggml-silero-v6.2.0.bin").path,
                                                   withDestinationPath: try vadModel())
        let present = try run(["-np", jfk])
        XCTAssertEqual(present.status, 0, present.stderr)
        XCTAssertEqual(lines(present.stdout).count, 4)
    }

    // MARK: whisper-cli --batch

    /// --batch on jfk.wav with the real tiny.en: one chunk, decoded greedily, on the recording's
    /// time line (the speech starts 0.3 s in), printed as whisper.cpp prints segments.
    func testBatchTranscribesJFK() throws {
        let output = try CLIRunner.run(["-m", try SharedData.model("ggml-tiny.en.bin"), "-f", try SharedData.sample("jfk.wav"),
                                        "--batch", "4", "-vm", try vadModel(), "-t", "2", "-np"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let printed = lines(output.stdout).filter { $0.hasPrefix("[") }
        XCTAssertFalse(printed.isEmpty, output.stdout)
        XCTAssertTrue(printed[0].hasPrefix("[00:00:00."), printed[0])
        let text = printed.map { String($0.dropFirst(33)) }.joined(separator: " ")
        XCTAssertTrue(text.contains("ask not what your country can do for you"), text)
        XCTAssertTrue(text.contains("ask what you can do for your country"), text)
    }

    func testBatchUsageErrors() throws {
        let model = try SharedData.model("nano-synthetic-f16.bin"), jfk = try SharedData.sample("jfk.wav")
        for arguments in [["--batch", "0"], ["--batch", "33"], ["--batch", "2", "--prompt", "Kennedy"], ["--batch", "x"]] {
            let output = try CLIRunner.run(["-m", model, "-f", jfk] + arguments)
            XCTAssertEqual(output.status, 2, "\(arguments): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains("--batch") || output.stderr.contains("--prompt"), output.stderr)
        }
        let missing = try CLIRunner.run(["-m", model, "-f", jfk, "--batch", "2", "-vm", "/nonexistent/silero.bin"])
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/silero.bin"), missing.stderr)
        XCTAssertEqual(missing.stdout, "")
    }

    // MARK: whisper-cli --vad

    func testTranscribingSilenceWithVADPrintsNothing() throws {
        let output = try CLIRunner.run(["-m", try SharedData.model("tiny.en-synthetic-f16.bin"), "-f", try SharedData.sample("silence-5s.wav"),
                                        "--vad", "-vm", try vadModel(), "-np"])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "")
    }

    /// jfk.wav with --vad on tiny.en: the text is the reference decoder's (OpenAI rules) on the packed
    /// speech, its times mapped back; the segment boundaries are whisper.cpp's
    /// (`reference/vad/jfk.whisper-cli-vad.txt`: 1.040 → 10.620).
    func testTranscribingJFKWithVAD() throws {
        let model = try SharedData.model("tiny.en-synthetic-f16.bin")
        let jfk = try SharedData.sample("jfk.wav")
        let output = try CLIRunner.run(["-m", model, "-f", jfk, "--vad", "-vm", try vadModel(), "-bs", "1", "-nf", "-t", "2", "-np"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let printed = lines(output.stdout).filter { $0.hasPrefix("[") }

        // whisper.cpp's segment boundaries.
        let whisperCpp = lines(try String(contentsOfFile: try SharedData.reference("vad/jfk.whisper-cli-vad.txt"), encoding: .utf8))
            .filter { $0.hasPrefix("[") }
        XCTAssertEqual(printed.map { String($0.prefix(32)) }, whisperCpp.map { String($0.prefix(32)) })

        // The reference decoder on the speech packed from whisper.cpp's segments.
        let audio = try AudioLoader.loadMono16k(path: jfk)
        let timeline = SpeechTimeline(samples: audio, segments: try SileroVADParityTests.referenceSegments("jfk"))
        let packedPath = TestScratch.path("jfk-packed", suffix: ".wav").path
        try Self.writeWAV(timeline.samples, to: packedPath)
        defer { try? FileManager.default.removeItem(atPath: packedPath) }
        let jsonPath = packedPath + ".json"
        defer { try? FileManager.default.removeItem(atPath: jsonPath) }
        try PythonReference.run([model, packedPath, "--beam-size", "1", "--json", jsonPath])
        struct Reference: Decodable {
            struct Segment: Decodable { var start: Double; var end: Double; var text: String }
            var segments: [Segment]
        }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: jsonPath)))
        let expected = reference.segments.map { segment -> String in
            let interval = timeline.originalInterval(start: segment.start, end: segment.end)
            return "[\(Timestamp.format(interval.start)) --> \(Timestamp.format(interval.end))]  "
                + segment.text.trimmingCharacters(in: .whitespaces)
        }
        XCTAssertEqual(printed.map { $0.replacingOccurrences(of: "]   ", with: "]  ") }, expected)
    }

    /// A 16 kHz mono s16 WAV file; the samples came from one, so they convert back exactly.
    static func writeWAV(_ samples: [Float], to path: String) throws {
        var data = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); u32(UInt32(36 + 2 * samples.count))
        data.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16); u16(1); u16(1); u32(16_000); u32(32_000); u16(2); u16(16)
        data.append(contentsOf: Array("data".utf8)); u32(UInt32(2 * samples.count))
        for s in samples {
            u16(UInt16(bitPattern: Int16(max(-32768, min(32767, (s * 32768).rounded())))))
        }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
