import Foundation
import XCTest

/// Locates `../shared` (models, samples, references) beside the package root.
/// Tests that need it call `try SharedData.require()` and skip, with a message, where it is absent.
enum SharedData {
    /// The package root, derived from this file's location (Tests/WhisperCoreTests/Support/).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var root: URL {
        if let env = ProcessInfo.processInfo.environment["WHISPER_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("README.md").path)
    }

    /// Throws `XCTSkip` when ../shared is absent, so the test reports as skipped.
    @discardableResult
    static func require() throws -> URL {
        guard isAvailable else {
            throw XCTSkip("../shared is absent (looked at \(root.path)); skipping a test that needs it")
        }
        return root
    }

    static func model(_ name: String) throws -> String {
        try require().appendingPathComponent("models").appendingPathComponent(name).path
    }

    static func sample(_ name: String) throws -> String {
        try require().appendingPathComponent("samples").appendingPathComponent(name).path
    }

    static func reference(_ relativePath: String) throws -> String {
        try require().appendingPathComponent("reference").appendingPathComponent(relativePath).path
    }

    /// Reads a little-endian float32 file.
    static func readFloats(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
