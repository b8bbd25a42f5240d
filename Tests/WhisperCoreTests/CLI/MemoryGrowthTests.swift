import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory must not grow with the recording's length. With the real tiny.en (whose windows end
/// early, at the speech's last timestamp, so many more windows are decoded per minute than with a
/// synthetic model) peak memory used to grow by about 4 MB a minute: glibc served the per-window
/// buffers from a fragmenting heap. `make bench-memory` checks 2 hours; this checks 3 against 20
/// minutes of real speech (about 40 s on two cores).
final class MemoryGrowthTests: XCTestCase {
    /// Real speech: jfk.wav, speech-long.wav and speech-short.wav, over and over.
    static func realSpeech(minutes: Int) throws -> String {
        var speech: [Float] = []
        for name in ["jfk.wav", "speech-long.wav", "speech-short.wav"] {
            speech += try AudioLoader.loadMono16k(path: try SharedData.sample(name))
        }
        let total = minutes * 60 * 16000
        var samples = [Float](repeating: 0, count: total)
        for i in 0..<total { samples[i] = speech[i % speech.count] }
        return try LongRecording.write(samples, name: "real-\(minutes)m.wav")
    }

    /// Runs whisper-cli under GNU time and returns its peak resident memory in KiB. (Not wait4 on
    /// a child spawned from this process: a vfork-style spawn hands the child this process's
    /// high-water mark, which grows with the test's own arrays.)
    static func peakKiB(_ arguments: [String]) throws -> Int {
        let time = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: time) else {
            throw XCTSkip("needs GNU time at /usr/bin/time (apt-get install time)")
        }
        let dir = try TemporaryDirectory("peak")
        defer { dir.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: time)
        process.arguments = ["-f", "%M", "-o", dir.file("peak"), try CLIRunner.binary()] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "whisper-cli \(arguments.joined(separator: " ")) failed")
        let text = try String(contentsOfFile: dir.file("peak"), encoding: .utf8)
        return try XCTUnwrap(text.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last)
    }

    func testPeakMemoryDoesNotGrowWithTheRecording() throws {
        let model = try SharedData.model("ggml-tiny.en.bin")
        let flags = ["-m", model, "-bs", "1", "-nf", "-np", "-t", "2"]
        let short = try Self.peakKiB(flags + ["-f", try Self.realSpeech(minutes: 3)])
        let long = try Self.peakKiB(flags + ["-f", try Self.realSpeech(minutes: 20)])
        print("peak memory: 3 minutes \(short / 1024) MiB, 20 minutes \(long / 1024) MiB")
        // Before the fix: about 135 against 220 MiB; after it 126 against 131.
        XCTAssertLessThan(long - short, 16 * 1024, "peak memory grew from \(short / 1024) to \(long / 1024) MiB")
    }
}
