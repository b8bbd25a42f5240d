import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// whisper-cli's promises about what it writes, end to end with the built binary:
/// - standard output or error closed, full, or a pipe nobody reads: a message and exit 1 (or, for
///   stderr alone, exit 1 at the end), never a trap — in every subcommand;
/// - output files never replace a directory, a device or one of the inputs (exit 1, untouched);
/// - SIGHUP ends a run like SIGINT, without leftover temporary files.
final class OutputSafetyTests: XCTestCase {
    struct Run {
        var status: Int32
        var signalled: Bool
        var stderr: String
    }

    /// Runs `script` with sh, `$CLI` naming the binary; stdout and stderr as the script redirects them.
    func sh(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let dir = try TemporaryDirectory("sh")
        defer { dir.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The script's own stderr goes to a file; the CLI's may be redirected by the script.
        process.arguments = ["-c", "exec 9>\"$ERRFILE\"; " + script]
        process.environment = CLIRunner.environment(["CLI": try CLIRunner.binary(), "ERRFILE": dir.file("err")])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let run = Run(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal, stderr: stderr)
        XCTAssertFalse(run.signalled, "\(script): killed by signal \(run.status)", file: file, line: line)
        XCTAssertFalse(stderr.contains("Fatal error") || stderr.contains("Stack dump") || stderr.contains("Illegal instruction"),
                       "\(script): \(stderr)", file: file, line: line)
        return run
    }

    /// One command of each subcommand that prints to stdout.
    func stdoutCommands() throws -> [String] {
        var commands = ["-h", "bench --help", "models --help", "quantize --help", "model-info --help", "vad --help"]
        if SharedData.isAvailable {
            let model = try SharedData.model("nano-synthetic-f16.bin")
            let jfk = try SharedData.sample("jfk.wav")
            commands += ["-m \(model) -f \(jfk) -bs 1 -nf -d 3000 -np -t 1", "model-info \(model)", "models"]
        }
        return commands
    }

    func testClosedOrFullStandardOutputIsAnErrorNotATrap() throws {
        for command in try stdoutCommands() {
            for redirect in [">&-", ">/dev/full"] {
                let run = try sh("\"$CLI\" \(command) \(redirect)")
                XCTAssertEqual(run.status, 1, "\(command) \(redirect): \(run.stderr)")
                XCTAssertTrue(run.stderr.contains("cannot write to standard output"), "\(command) \(redirect): \(run.stderr)")
            }
        }
    }

    func testBrokenPipeWithSIGPIPEIgnoredIsAnError() throws {
        // The reader is gone before the first write: every write fails with EPIPE.
        for command in try stdoutCommands() {
            let run = try sh("trap '' PIPE; mkfifo \"$ERRFILE.fifo\"; (exec 3<\"$ERRFILE.fifo\"; exec 3<&-) & \"$CLI\" \(command) >\"$ERRFILE.fifo\"")
            XCTAssertEqual(run.status, 1, "\(command): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("cannot write to standard output"), "\(command): \(run.stderr)")
        }
    }

    func testFullStandardErrorIsNoTrapAndNoSuccess() throws {
        // Help goes to stdout only: complete, so 0.
        XCTAssertEqual(try sh("\"$CLI\" -h 2>/dev/full >/dev/null").status, 0)
        XCTAssertEqual(try sh("\"$CLI\" --no-such-option 2>/dev/full").status, 2)
        XCTAssertEqual(try sh("\"$CLI\" -m /nonexistent.bin x.wav 2>&-").status, 1)
        if SharedData.isAvailable {
            let model = try SharedData.model("nano-synthetic-f16.bin")
            let jfk = try SharedData.sample("jfk.wav")
            // Transcribed, but its report could not be written: not a complete success.
            XCTAssertEqual(try sh("\"$CLI\" -m \(model) -f \(jfk) -bs 1 -nf -d 2000 -t 1 2>/dev/full >/dev/null").status, 1)
        }
    }

    func testNoArgumentsPrintsTheUsage() throws {
        let out = try CLIRunner.run([])
        XCTAssertEqual(out.status, 2)
        XCTAssertTrue(out.stderr.contains("usage: whisper-cli"), out.stderr)
    }

    func testQuantizeNeverReplacesADirectoryADeviceOrItsInput() throws {
        let model = try SharedData.model("nano-synthetic-f16.bin")
        let dir = try TemporaryDirectory("quantize-target")
        defer { dir.remove() }
        try dir.write("out/keep", Data("precious".utf8))
        var run = try CLIRunner.run(["quantize", model, dir.file("out"), "q8_0"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("directory"), run.stderr)
        XCTAssertEqual(try String(contentsOfFile: dir.file("out/keep"), encoding: .utf8), "precious")

        run = try CLIRunner.run(["quantize", model, "/dev/full", "q8_0"])
        XCTAssertEqual(run.status, 1, run.stderr)
        var info = stat()
        XCTAssertEqual(stat("/dev/full", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/full is still a device")

        try dir.copy(model, to: "m.bin")
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.file("m.bin")))
        run = try CLIRunner.run(["quantize", dir.file("m.bin"), dir.path + "/./m.bin", "q8_0"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("input"), run.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir.file("m.bin"))), before)

        run = try CLIRunner.run(["quantize", dir.file("m.bin"), dir.file("q.bin"), "q8_0"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(dir.allFiles(), ["m.bin", "out/keep", "q.bin"], "no temporary file left")
    }

    func testAnInputIsNeverItsOwnTranscript() throws {
        let model = try SharedData.model("nano-synthetic-f16.bin")
        let dir = try TemporaryDirectory("self-output")
        defer { dir.remove() }
        try dir.copy(try SharedData.sample("jfk.wav"), to: "rec.txt")
        let audio = try Data(contentsOf: URL(fileURLWithPath: dir.file("rec.txt")))
        for extra in [["-otxt"], ["-otxt", "-of", dir.file("rec")], ["-oj", "-otxt", "--output-dir", dir.path]] {
            let run = try CLIRunner.run(["-m", model, "-bs", "1", "-nf", "-t", "1", "-d", "2000", dir.file("rec.txt")] + extra)
            XCTAssertEqual(run.status, 1, "\(extra): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("input"), run.stderr)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir.file("rec.txt"))), audio, "\(extra): the input is intact")
        }
        // A directory where the transcript would go is not replaced either.
        try dir.copy(try SharedData.sample("jfk.wav"), to: "a.wav")
        try dir.write("a.txt/keep", Data("x".utf8))
        let run = try CLIRunner.run(["-m", model, "-bs", "1", "-nf", "-t", "1", "-d", "2000", "-otxt", dir.file("a.wav")])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(dir.allFiles(), ["a.txt/keep", "a.wav", "rec.txt"])
    }

    /// SIGINT, SIGTERM and SIGHUP (a closed terminal) mid-run: temporary files removed, the
    /// conventional status (128 + the signal), nothing left behind.
    func testSignalsRemoveTemporaryFiles() throws {
        for (signal, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143)), (SIGHUP, Int32(129))] {
            let dir = try TemporaryDirectory("signal")
            defer { dir.remove() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try CLIRunner.binary())
            // Long enough work (tiny.en, beam search over 54 s of audio) that the signal lands mid-run.
            process.arguments = ["-m", try SharedData.model("tiny.en-synthetic-f16.bin"), "-bs", "5", "-nf", "-t", "1",
                                 "--output-format", "all", "--output-dir", dir.path, try SharedData.sample("speech-long.wav")]
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 1.5)
            kill(process.processIdentifier, signal)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, status, "signal \(signal): \(stderr)")
            XCTAssertTrue(stderr.contains("interrupted"), stderr)
            XCTAssertEqual(dir.allFiles(), [], "signal \(signal): no output and no temporary file")
        }
    }
}
