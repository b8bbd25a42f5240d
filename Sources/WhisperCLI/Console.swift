import Foundation
import WhisperCore
import WhisperPlatform

/// Where the CLI writes: results to stdout, everything else (errors, progress, timings) to stderr.
///
/// All writes go through one lock, so lines from files transcribed at once never interleave, and
/// a live progress line at the bottom of the terminal (see `ProgressDisplay`) is cleared before
/// anything else is written and drawn again after.
///
/// Writes use write(2), never `FileHandle.write(_: Data)` (which traps on Linux when the stream
/// is closed or full). Output that cannot be written is an error: stdout failing ends the run at
/// once (exit 1, after saying so on stderr if it can); stderr failing makes the final status 1.
/// Exit status 0 always means the output is complete.
enum Console {
    private static let lock = NSLock()
    /// The live status line currently shown on stderr, if any.
    nonisolated(unsafe) private static var statusLine: String?
    /// Set when something could not be written to stderr.
    nonisolated(unsafe) private(set) static var standardErrorFailed = false

    static func error(_ message: String) {
        write(2, "whisper-cli: error: " + message + "\n")
    }

    static func warning(_ message: String) {
        write(2, "whisper-cli: warning: " + message + "\n")
    }

    static func info(_ message: String) {
        write(2, message + "\n")
    }

    static func output(_ text: String) {
        write(1, text)
    }

    /// Shows `line` as the live status line (nil removes it). Only for a terminal on stderr.
    static func setStatusLine(_ line: String?) {
        lock.lock()
        defer { lock.unlock() }
        if statusLine != nil { raw(2, "\r\u{1B}[2K") }
        statusLine = line
        if let line { raw(2, line) }
    }

    private static func write(_ descriptor: Int32, _ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if statusLine != nil { raw(2, "\r\u{1B}[2K") }
        raw(descriptor, text)
        // Redraw the status line only at the start of a line (not inside a -nt text run).
        if let line = statusLine, descriptor == 2 || text.hasSuffix("\n") {
            raw(2, line)
        }
    }

    /// Writes all of `text` to `descriptor`; a failure on stdout ends the process.
    private static func raw(_ descriptor: Int32, _ text: String) {
        guard let failure = writeAll(descriptor, text) else { return }
        if descriptor == 2 {
            standardErrorFailed = true
            return
        }
        _ = writeAll(2, "whisper-cli: error: cannot write to standard output: \(failure)\n")
        SafeFileWriter.removeTemporaryFiles()
        exit(1)
    }

    /// write(2) until done; the error's text on failure.
    static func writeAll(_ descriptor: Int32, _ text: String) -> String? {
        var copy = text
        return copy.withUTF8 { writeFully(descriptor, UnsafeRawBufferPointer($0)) }
    }

    /// A closed standard descriptor (`>&-`) is given /dev/null opened read-only, so files the
    /// program opens never take its number (an output file receiving the transcript meant for
    /// stdout) and writes to it fail as they should (EBADF) instead of vanishing.
    static func occupyClosedStandardDescriptors() {
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", O_RDONLY)
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }

    /// Whether a file descriptor is a terminal.
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }
}

/// Commands other than transcription.
enum Subcommand: String, CaseIterable {
    case bench, models, quantize, convert, modelInfo = "model-info", vad

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
        case .convert:
            return ConvertCommand.run(arguments)
        }
    }
}
