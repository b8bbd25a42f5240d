import Foundation
import XCTest
@testable import WhisperCore
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

    /// Runs whisper-cli and returns its peak resident memory in KiB (from wait4's accounting).
    static func peakKiB(_ arguments: [String]) throws -> Int {
        let binary = try CLIRunner.binary()
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else {
            throw XCTSkip("cannot start \(binary)")
        }
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, 0, &usage) == pid else { throw NSError(domain: "wait4", code: Int(errno)) }
        XCTAssertEqual(status, 0, "whisper-cli \(arguments.joined(separator: " ")) failed")
        return usage.ru_maxrss
    }

    func testPeakMemoryDoesNotGrowWithTheRecording() throws {
        let model = try SharedData.model("ggml-tiny.en.bin")
        let flags = ["-m", model, "-bs", "1", "-nf", "-np", "-t", "2"]
        let short = try Self.peakKiB(flags + ["-f", try Self.realSpeech(minutes: 3)])
        let long = try Self.peakKiB(flags + ["-f", try Self.realSpeech(minutes: 20)])
        print("peak memory: 3 minutes \(short / 1024) MiB, 20 minutes \(long / 1024) MiB")
        // Before the fix: about 135 against 220 MiB.
        XCTAssertLessThan(long - short, 16 * 1024, "peak memory grew from \(short / 1024) to \(long / 1024) MiB")
    }
}
