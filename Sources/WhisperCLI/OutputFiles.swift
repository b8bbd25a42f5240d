import Foundation
import WhisperCore

/// Why an output file could not be written.
struct OutputError: Error, CustomStringConvertible {
    let description: String
}

/// Where one input's output files go: `base` plus `.txt`, `.srt`, ...
///
/// Named after the input without its extension (`talk.wav` → `talk.srt`), next to the input or
/// under `--output-dir`; an input found inside a directory argument keeps its path below that
/// directory there (`in/a/talk.wav` → `out/a/talk.srt`), so equal names in different folders do not
/// collide. `-of NAME` names the single input's outputs directly.
struct OutputTarget: Equatable {
    /// Path without extension.
    let base: String

    init(base: String) {
        self.base = base
    }

    init(input: BatchInput, outputDirectory: String?, outputFile: String?) {
        if let outputFile {
            base = outputFile
            return
        }
        let inputURL = URL(fileURLWithPath: input.path)
        let stem = input.isStandardInput ? "stdin" : inputURL.deletingPathExtension().lastPathComponent
        guard let outputDirectory else {
            base = input.isStandardInput ? stem : inputURL.deletingPathExtension().path
            return
        }
        var directory = URL(fileURLWithPath: outputDirectory)
        if let root = input.root {
            // The input's folder relative to the directory argument it was found in.
            let rootComponents = URL(fileURLWithPath: root).standardizedFileURL.pathComponents
            let folderComponents = inputURL.deletingLastPathComponent().standardizedFileURL.pathComponents
            if folderComponents.starts(with: rootComponents) {
                for component in folderComponents.dropFirst(rootComponents.count) {
                    directory.appendPathComponent(component)
                }
            }
        }
        base = directory.appendingPathComponent(stem).path
    }

    func path(for format: OutputFormat) -> String { base + "." + format.writer.fileExtension }

    /// Whether every file of `formats` already exists (what `--skip-existing` looks for).
    func allExist(_ formats: [OutputFormat]) -> Bool {
        !formats.isEmpty && formats.allSatisfy { FileManager.default.fileExists(atPath: path(for: $0)) }
    }
}

/// Writes files so that a complete-looking file is always complete: the contents go to a hidden
/// temporary file in the same directory, which is renamed over the final name only when fully
/// written. A run killed midway leaves at most a temporary file, which an interrupt removes.
enum AtomicFileWriter {
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(description: "\(path): cannot create the folder \(directory.path): \(error.localizedDescription)")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        TemporaryFiles.register(temporary)
        defer { TemporaryFiles.unregister(temporary) }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        } catch {
            unlink(temporary)
            throw OutputError(description: "\(path): cannot write: \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError(description: "\(path): cannot move the finished file into place (\(reason))")
        }
    }
}

/// The temporary files being written right now, so an interrupt can remove them.
enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []

    static func register(_ path: String) {
        lock.lock(); paths.insert(path); lock.unlock()
    }

    static func unregister(_ path: String) {
        lock.lock(); paths.remove(path); lock.unlock()
    }

    /// Deletes every registered file; returns how many there were.
    @discardableResult
    static func removeAll() -> Int {
        lock.lock()
        defer { lock.unlock() }
        for path in paths { unlink(path) }
        let count = paths.count
        paths.removeAll()
        return count
    }
}

/// Ctrl-C (SIGINT) and SIGTERM: remove temporary output files, say so, exit 130 (143 for SIGTERM).
enum InterruptHandler {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        for (signalNumber, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            signal(signalNumber, SIG_IGN)   // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let removed = TemporaryFiles.removeAll()
                Console.setStatusLine(nil)
                Console.info("whisper-cli: interrupted" + (removed > 0 ? " (removed \(removed) unfinished output file\(removed == 1 ? "" : "s"))" : ""))
                exit(status)
            }
            source.resume()
            sources.append(source)
        }
    }
}
