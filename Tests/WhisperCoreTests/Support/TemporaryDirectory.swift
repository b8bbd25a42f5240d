import Foundation

/// A fresh folder in the tests' scratch folder (`TestScratch`), for tests that write files.
final class TemporaryDirectory {
    let url: URL
    var path: String { url.path }

    init(_ label: String = "test") throws {
        url = TestScratch.path(label)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// `path` inside the folder (sub-folders created as needed by `write`/`copy`).
    func file(_ relative: String) -> String { url.appendingPathComponent(relative).path }

    func write(_ relative: String, _ contents: Data) throws {
        let target = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: target)
    }

    func copy(_ source: String, to relative: String) throws {
        try write(relative, try Data(contentsOf: URL(fileURLWithPath: source)))
    }

    /// Every regular file below the folder, as paths relative to it, sorted.
    func allFiles() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: path)
        var files: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file(relative), isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(relative)
            }
        }
        return files.sorted()
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

extension CLIRunner {
    /// The current environment with `overrides` applied.
    static func environment(_ overrides: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(overrides) { $1 }
    }
}
