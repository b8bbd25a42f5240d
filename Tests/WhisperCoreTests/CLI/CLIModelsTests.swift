import Foundation
import XCTest

/// `whisper-cli models`, `model-info` and `Models/download-ggml-model.sh`: the shared table,
/// presence, downloads that fail cleanly without a network, checksum checks, resuming.
final class CLIModelsTests: XCTestCase {
    var script: String { SharedData.packageRoot.appendingPathComponent("Models/download-ggml-model.sh").path }

    /// Runs the download script with `sh`.
    func runScript(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIRunner.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [script] + arguments
        process.environment = CLIRunner.environment(environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var stderrData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { stderrData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CLIRunner.Output(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                                stderr: String(decoding: stderrData, as: UTF8.self))
    }

    func testScriptAndCLIReadTheSameTable() throws {
        let cli = try CLIRunner.run(["models", "--tsv"])
        let sh = try runScript(["--list"])
        XCTAssertEqual(cli.status, 0)
        XCTAssertEqual(sh.status, 0, sh.stderr)
        XCTAssertEqual(sh.stdout, cli.stdout)
        XCTAssertGreaterThan(cli.stdout.split(separator: "\n").count, 30)
        XCTAssertTrue(cli.stdout.contains("\ntiny.en\t77704715\t921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f\t"))
    }

    func testListShowsWhatIsPresent() throws {
        let dir = try TemporaryDirectory("list")
        defer { dir.remove() }
        try FileManager.default.createSymbolicLink(atPath: dir.file("ggml-tiny.en.bin"),
                                                   withDestinationPath: try SharedData.model("tiny.en-synthetic-f16.bin"))
        try dir.write("ggml-base.bin", Data(count: 1000))
        // A sparse 10% of small (487,601,967 bytes).
        try dir.write("ggml-small.bin.part", Data())
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: dir.file("ggml-small.bin.part")))
        try handle.truncate(atOffset: 48_760_197)
        try handle.close()
        let out = try CLIRunner.run(["models", "--models-dir", dir.path])
        XCTAssertEqual(out.status, 0)
        func row(_ name: String) -> String {
            out.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map(String.init) ?? ""
        }
        XCTAssertTrue(row("tiny.en").contains(" yes "), row("tiny.en"))
        XCTAssertTrue(row("tiny.en").contains("English"), row("tiny.en"))
        XCTAssertTrue(row("tiny").contains("multi"), row("tiny"))
        XCTAssertTrue(row("base").contains("wrong size"), row("base"))
        XCTAssertTrue(row("small").contains("partial 10%"), row("small"))
        XCTAssertTrue(row("medium").contains(" - "), row("medium"))
        XCTAssertTrue(row("tiny.en").contains("921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f"))
    }

    /// Nothing listens on port 9 of this machine: the connection is refused at once.
    func testDownloadWithoutAServerFailsQuicklyAndClearly() throws {
        let dir = try TemporaryDirectory("offline")
        defer { dir.remove() }
        let env = ["WHISPER_MODEL_BASE_URL": "http://127.0.0.1:9"]
        let start = Date()
        let cli = try CLIRunner.run(["models", "download", "tiny.en", "--models-dir", dir.path], environment: CLIRunner.environment(env))
        XCTAssertEqual(cli.status, 1)
        XCTAssertTrue(cli.stderr.contains("cannot connect"), cli.stderr)
        let sh = try runScript(["tiny.en", dir.path], environment: env)
        XCTAssertEqual(sh.status, 1)
        XCTAssertTrue(sh.stderr.contains("cannot connect"), sh.stderr)
        XCTAssertLessThan(-start.timeIntervalSinceNow, 10)
        XCTAssertEqual(dir.allFiles(), [], "nothing left behind")
    }

    /// A host that never answers: curl's connect timeout (10 s) ends the attempt.
    func testDownloadFromAnUnreachableHostTimesOut() throws {
        let dir = try TemporaryDirectory("timeout")
        defer { dir.remove() }
        let start = Date()
        let cli = try CLIRunner.run(["models", "download", "base.en", "--models-dir", dir.path],
                                    environment: CLIRunner.environment(["WHISPER_MODEL_BASE_URL": "http://10.255.255.1:81"]))
        XCTAssertEqual(cli.status, 1)
        XCTAssertTrue(cli.stderr.contains("failed"), cli.stderr)
        XCTAssertLessThan(-start.timeIntervalSinceNow, 20)
    }

    /// A "host" folder serving the synthetic tiny.en under the real name: same size, other bytes.
    /// The download resumes a partial file, then the checksum rejects it and it is deleted.
    func testDownloadResumesAndRejectsAWrongChecksum() throws {
        let host = try TemporaryDirectory("host")
        let dir = try TemporaryDirectory("models")
        defer { host.remove(); dir.remove() }
        let synthetic = try SharedData.model("tiny.en-synthetic-f16.bin")
        try FileManager.default.createSymbolicLink(atPath: host.file("ggml-tiny.en.bin"), withDestinationPath: synthetic)
        let env = ["WHISPER_MODEL_BASE_URL": host.url.absoluteString]
        let head = try Data(contentsOf: URL(fileURLWithPath: synthetic)).prefix(1 << 20)

        try dir.write("ggml-tiny.en.bin.part", head)
        let cli = try CLIRunner.run(["models", "download", "tiny.en", "--models-dir", dir.path], environment: CLIRunner.environment(env))
        XCTAssertEqual(cli.status, 1)
        XCTAssertTrue(cli.stderr.contains("resuming"), cli.stderr)
        // The synthetic file's own sha256 (../shared/models/SHA256SUMS): the resumed file is complete.
        XCTAssertTrue(cli.stderr.contains("9887226f42ed4b2b5c1993c5554c3af73f97dc684db2b9a3fbfc3795c583ea6c does not match"), cli.stderr)
        XCTAssertEqual(dir.allFiles(), [], "the rejected download is deleted")

        try dir.write("ggml-tiny.en.bin.part", head)
        let sh = try runScript(["tiny.en", dir.path], environment: env)
        XCTAssertEqual(sh.status, 1)
        XCTAssertTrue(sh.stderr.contains("9887226f42ed4b2b5c1993c5554c3af73f97dc684db2b9a3fbfc3795c583ea6c does not match"), sh.stderr)
        XCTAssertEqual(dir.allFiles(), [])
    }

    func testVerifyAndUnknownNames() throws {
        let dir = try TemporaryDirectory("verify")
        defer { dir.remove() }
        try FileManager.default.createSymbolicLink(atPath: dir.file("ggml-tiny.en.bin"),
                                                   withDestinationPath: try SharedData.model("tiny.en-synthetic-f16.bin"))
        let verify = try CLIRunner.run(["models", "verify", "tiny.en", "--models-dir", dir.path])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stderr.contains("does not match"), verify.stderr)
        let present = try CLIRunner.run(["models", "download", "tiny.en", "--models-dir", dir.path])
        XCTAssertEqual(present.status, 1, "an existing file that does not match is not overwritten")
        XCTAssertTrue(present.stderr.contains("remove the file"), present.stderr)
        XCTAssertEqual(try CLIRunner.run(["models", "download", "huge-v9"]).status, 2)
        XCTAssertEqual(try runScript(["huge-v9"]).status, 2)
    }

    func testModelInfo() throws {
        let path = try SharedData.model("nano-synthetic-q8_0.bin")
        let out = try CLIRunner.run(["model-info", path, "--checksum"])
        XCTAssertEqual(out.status, 0, out.stderr)
        for text in ["multilingual", "51865 tokens", "q8_0", "2 layers, width 128", "valid           yes",
                     "071570621d365efcd995a9f01072aa2f7edb878f234a99b5077e22615fc47a16"] {
            XCTAssertTrue(out.stdout.contains(text), "\(text)\n\(out.stdout)")
        }
        let dir = try TemporaryDirectory("info")
        defer { dir.remove() }
        try dir.write("junk.bin", Data("not a model".utf8))
        // A real header cut short: the loader reports the truncation.
        try dir.write("cut.bin", try Data(contentsOf: URL(fileURLWithPath: path)).prefix(100_000))
        let bad = try CLIRunner.run(["model-info", dir.file("junk.bin"), dir.file("cut.bin")])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stdout.contains("not a whisper.cpp GGML model"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("cut.bin"), bad.stdout)
    }
}
