import Foundation
import XCTest

/// Runs the built `whisper-cli` binary (release build; `make test` passes its path in WHISPER_CLI).
enum CLIRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func binary() throws -> String {
        let env = ProcessInfo.processInfo.environment["WHISPER_CLI"] ?? ""
        let candidates = [env,
                          SharedData.packageRoot.appendingPathComponent(".build/release/whisper-cli").path,
                          SharedData.packageRoot.appendingPathComponent(".build/debug/whisper-cli").path]
        guard let path = candidates.first(where: { !$0.isEmpty && FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("whisper-cli is not built (run `make build` or `make test`)")
        }
        return path
    }

    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        return collect(process, out: out, err: err)
    }

    /// Reads a started process's stdout and stderr to their ends and waits for it.
    static func collect(_ process: Process, out: Pipe, err: Pipe) -> Output {
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var stderrData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
