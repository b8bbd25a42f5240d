import Foundation

/// Where the CLI writes: results to stdout, everything else (errors, progress, timings) to stderr.
///
/// All writes go through one lock, so lines from files transcribed at once never interleave, and
/// a live progress line at the bottom of the terminal (see `ProgressDisplay`) is cleared before
/// anything else is written and drawn again after.
enum Console {
    private static let lock = NSLock()
    /// The live status line currently shown on stderr, if any.
    nonisolated(unsafe) private static var statusLine: String?

    static func error(_ message: String) {
        write(FileHandle.standardError, "whisper-cli: error: " + message + "\n")
    }

    static func warning(_ message: String) {
        write(FileHandle.standardError, "whisper-cli: warning: " + message + "\n")
    }

    static func info(_ message: String) {
        write(FileHandle.standardError, message + "\n")
    }

    static func output(_ text: String) {
        write(FileHandle.standardOutput, text)
    }

    /// Shows `line` as the live status line (nil removes it). Only for a terminal on stderr.
    static func setStatusLine(_ line: String?) {
        lock.lock()
        defer { lock.unlock() }
        if statusLine != nil { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        statusLine = line
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    private static func write(_ handle: FileHandle, _ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if statusLine != nil { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        handle.write(Data(text.utf8))
        // Redraw the status line only at the start of a line (not inside a -nt text run).
        if let line = statusLine, handle === FileHandle.standardError || text.hasSuffix("\n") {
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Whether a file descriptor is a terminal.
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }
}

/// Commands other than transcription.
enum Subcommand: String, CaseIterable {
    case bench, models, quantize, modelInfo = "model-info", vad

    static func named(_ name: String) -> Subcommand? { Subcommand(rawValue: name) }

    func run(_ arguments: [String]) -> Int32 {
        switch self {
        case .bench:
            return BenchCommand.run(arguments)
        case .vad:
            return VADCommand.run(arguments)
        case .models:
            return ModelsCommand.run(arguments)
        case .modelInfo:
            return ModelInfoCommand.run(arguments)
        case .quantize:
            return QuantizeCommand.run(arguments)
        }
    }
}
