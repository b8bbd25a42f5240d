import Foundation

/// The folder every test's temporary files go into: one per test process, under the system's
/// temporary directory, removed when the process exits (a test that fails or is stopped midway
/// leaves nothing behind for the next run).
enum TestScratch {
    static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("whisper-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestScratch.root) }
        return url
    }()

    /// A fresh, uniquely named path in the folder (`label` first, `suffix` last); nothing is made.
    static func path(_ label: String, suffix: String = "") -> URL {
        root.appendingPathComponent("\(label)-\(UUID().uuidString)\(suffix)")
    }
}
