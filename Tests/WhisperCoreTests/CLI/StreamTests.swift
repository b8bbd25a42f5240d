import Foundation
import XCTest

/// `whisper-cli --stream`: live audio through a pipe, fed at a steady pace as a microphone or
/// `ffmpeg -re` would (twice real time here, to keep the test short).
final class StreamTests: XCTestCase {
    /// Runs whisper-cli with `arguments`, writing `bytes` to its stdin in 100 ms pieces of audio at
    /// `speed` times real time; `header` goes first, at once.
    func runPaced(_ arguments: [String], header: [UInt8] = [], pcm: [UInt8], speed: Double) throws -> CLIRunner.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLIRunner.binary())
        process.arguments = arguments
        let input = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let writer = Thread {
            let fd = input.fileHandleForWriting.fileDescriptor
            func write(_ bytes: ArraySlice<UInt8>) {
                bytes.withUnsafeBytes { raw in
                    var done = 0
                    while done < raw.count {
                        let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                        if n <= 0 { return }
                        done += n
                    }
                }
            }
            write(header[...])
            let start = Date()
            for (i, first) in stride(from: 0, to: pcm.count, by: 3200).enumerated() {
                write(pcm[first..<min(pcm.count, first + 3200)])
                let due = Double(i + 1) * 0.1 / speed
                let wait = due + start.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        return CLIRunner.collect(process, out: out, err: err)
    }

    /// jfk.wav's bytes: its header (up to the data chunk's body; its sizes at 4 and `dataSize`) and the PCM after it.
    func jfk() throws -> (header: [UInt8], pcm: [UInt8], dataSize: Int) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try SharedData.sample("jfk.wav"))))
        var at = 12
        while at + 8 <= bytes.count, bytes[at..<(at + 4)].elementsEqual("data".utf8) == false {
            let size = Int(bytes[at + 4]) | Int(bytes[at + 5]) << 8 | Int(bytes[at + 6]) << 16 | Int(bytes[at + 7]) << 24
            at += 8 + size + (size & 1)
        }
        XCTAssertLessThan(at + 8, bytes.count, "jfk.wav has a data chunk")
        return (Array(bytes[0..<(at + 8)]), Array(bytes[(at + 8)...]), at + 4)
    }

    func testRawPCMFromAPipe() throws {
        let (_, pcm, _) = try jfk()
        let silence = [UInt8](repeating: 0, count: 32000 * 2)
        let out = try runPaced(["--stream", "-m", try SharedData.model("ggml-tiny.en.bin"), "-t", "2", "-"], pcm: pcm + silence, speed: 2)
        XCTAssertEqual(out.status, 0, out.stderr)
        let lines = out.stdout.split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 2, out.stdout)
        XCTAssertFalse(out.stdout.contains("\u{1B}"), "no terminal codes when stdout is not a terminal")
        XCTAssertTrue(out.stdout.hasPrefix("And so my fellow Americans"), out.stdout)
        XCTAssertTrue(out.stdout.lowercased().contains("your country"), out.stdout)
        XCTAssertTrue(out.stderr.contains("s of audio in"), out.stderr)
    }

    func testWAVHeaderThenPCM() throws {
        var (header, pcm, dataSize) = try jfk()
        // A streamed WAV's sizes are unknown: ffmpeg writes 0xFFFFFFFF. They must not matter.
        for i in [4, 5, 6, 7, dataSize, dataSize + 1, dataSize + 2, dataSize + 3] { header[i] = 0xFF }
        let out = try runPaced(["--stream", "-m", try SharedData.model("ggml-tiny.en.bin"), "-t", "2", "-np", "-"],
                               header: header, pcm: pcm, speed: 2)
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.lowercased().contains("your country"), out.stdout)
        XCTAssertEqual(out.stderr, "")
    }

    func testAWAVHeaderOfTheWrongFormatIsRefused() throws {
        var (header, pcm, _) = try jfk()
        XCTAssertEqual(Array(header[12..<16]), Array("fmt ".utf8))
        header[24] = 0x44; header[25] = 0xAC                               // 44100 Hz
        let out = try runPaced(["--stream", "-m", try SharedData.model("ggml-tiny.en.bin"), "-"], header: header,
                               pcm: Array(pcm.prefix(32000)), speed: 100)
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("stdin"), out.stderr)
        XCTAssertTrue(out.stderr.contains("44100"), out.stderr)
    }

    func testOneLinePerUtteranceWithVAD() throws {
        let (_, pcm, _) = try jfk()
        let silence = [UInt8](repeating: 0, count: 32000)
        let out = try runPaced(["--stream", "--vad", "-vm", try SharedData.model("silero-v6.2.0-ggml.bin"),
                                "-m", try SharedData.model("ggml-tiny.en.bin"), "-t", "2", "-"], pcm: pcm + silence, speed: 2)
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.lowercased().contains("for your country"), out.stdout)
        XCTAssertTrue(out.stderr.contains("utterances"), out.stderr)
    }

    func testUsage() throws {
        let two = try CLIRunner.run(["--stream", "-m", "x.bin", "-", "b.wav"])
        XCTAssertEqual(two.status, 2)
        XCTAssertTrue(two.stderr.contains("--stream"), two.stderr)
        let step = try CLIRunner.run(["--step", "1000", "-m", "x.bin", "a.wav"])
        XCTAssertEqual(step.status, 2)
        XCTAssertTrue(step.stderr.contains("need --stream"), step.stderr)
        let files = try CLIRunner.run(["--stream", "-otxt", "-m", "x.bin", "-"])
        XCTAssertEqual(files.status, 2)
    }
}
