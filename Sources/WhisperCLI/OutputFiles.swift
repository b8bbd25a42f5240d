import Foundation
import WhisperCore
import WhisperPlatform

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

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP (a closed terminal): remove temporary output files, say so,
/// exit 128 + the signal's number (130, 143, 129).
enum InterruptHandler {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        for (signalNumber, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143)), (SIGHUP, Int32(129))] {
            signal(signalNumber, SIG_IGN)   // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let removed = SafeFileWriter.removeTemporaryFiles()
                Console.setStatusLine(nil)
                Console.info("whisper-cli: interrupted" + (removed > 0 ? " (removed \(removed) unfinished output file\(removed == 1 ? "" : "s"))" : ""))
                exit(status)
            }
            source.resume()
            sources.append(source)
        }
    }
}
