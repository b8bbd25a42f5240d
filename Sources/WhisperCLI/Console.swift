import Foundation

/// Where the CLI writes: results to stdout, everything else (errors, progress, timings) to stderr.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("whisper-cli: error: " + message + "\n").utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data(("whisper-cli: warning: " + message + "\n").utf8))
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
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
        default:
            Console.error("'\(rawValue)' is not available in this build yet")
            return 2
        }
    }
}
