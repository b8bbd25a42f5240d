import Foundation
import XCTest

/// Runs `../shared/tools/whisper_reference.py` (float64 NumPy) to produce ground truth on demand.
/// Results are cached per test process in a temporary directory.
enum PythonReference {
    private static let cacheDirectory: URL = {
        let dir = TestScratch.root.appendingPathComponent("reference")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()
    private static let lock = NSLock()

    /// Runs the tool with `arguments` (after model and audio paths); returns its stdout.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let tool = try SharedData.require().appendingPathComponent("tools/whisper_reference.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // `make test` names the interpreter that has numpy, scipy and regex (system, or its .venv).
        let python = ProcessInfo.processInfo.environment["WHISPER_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        process.arguments = [python, tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "PythonReference", code: Int(process.terminationStatus), userInfo: [
                NSLocalizedDescriptionKey: "whisper_reference.py \(arguments.joined(separator: " ")) failed: \(String(decoding: stderr, as: UTF8.self))"])
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    /// The reference log-mel of a 16 kHz mono s16 WAV: `[n_mels][frames]` (30 s of padding included).
    static func mel(model: String, audio: String) throws -> [Float] {
        try cached("mel-\(model.hashValue)-\(audio.hashValue).f32") { path in
            try run([model, audio, "--mel", path])
        }
    }

    /// Teacher-forced logits for `tokens` fed after the first 30 s window is encoded: `[tokens][n_vocab]`.
    static func logits(model: String, audio: String, tokens: [Int]) throws -> [Float] {
        let key = "logits-\(model.hashValue)-\(audio.hashValue)-\(tokens.hashValue)"
        return try cached(key + ".logits.f32") { path in
            try run([model, audio, "--logits", tokens.map(String.init).joined(separator: ","),
                     "--out", String(path.dropLast(".logits.f32".count))])
        }
    }

    private static func cached(_ name: String, _ make: (String) throws -> Void) throws -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        let path = cacheDirectory.appendingPathComponent(name).path
        if !FileManager.default.fileExists(atPath: path) { try make(path) }
        return try SharedData.readFloats(path)
    }
}
