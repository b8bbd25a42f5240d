import Foundation
import WhisperCore
import WhisperPlatform

/// `whisper-cli vad [options] FILE...`: the speech segments of each file, for scripts that cut audio.
enum VADCommand {
    /// How segment times are printed.
    enum TimeFormat: String, CaseIterable {
        case seconds = "sec", centiseconds = "cs", timestamps = "ts"
    }

    /// The options of this command: the VAD flags it shares with transcription, plus its own.
    struct Options {
        var shared = CommandLineOptions()
        var format = TimeFormat.seconds
        var printProbabilities = false
    }

    /// The transcription flags that mean the same here.
    static let sharedNames: Set<String> = ["-h", "--help", "-f", "--file", "-t", "--threads", "-np", "--no-prints",
                                           "-vm", "--vad-model", "-vt", "--vad-threshold",
                                           "-vspd", "--vad-min-speech-duration-ms", "-vsd", "--vad-min-silence-duration-ms",
                                           "-vmsd", "--vad-max-speech-duration-s", "-vp", "--vad-speech-pad-ms"]
    static var sharedSpecs: [CommandLineOptions.Spec] {
        CommandLineOptions.specs.filter { !sharedNames.isDisjoint(with: $0.names) }
    }

    static func helpText() -> String {
        var lines = [
            "usage: whisper-cli vad [options] FILE...",
            "",
            "Finds the speech in WAV files with a Silero VAD model (whisper.cpp's GGML format, e.g.",
            "ggml-silero-v6.2.0.bin) and prints one line per speech segment, in order, on stdout:",
            "",
            "  START<TAB>END              seconds with two decimals, e.g. 0.32<TAB>2.27 (default)",
            "  --format cs                whole centiseconds, as whisper.cpp's segment lists: 32<TAB>227",
            "  --format ts                hh:mm:ss.mmm<TAB>hh:mm:ss.mmm",
            "",
            "With more than one file, each line starts with the file's path and a tab. A file without",
            "speech prints nothing. Times are on the original recording; segments are padded and",
            "merged exactly as `whisper-cli --vad` would transcribe them (without the -vo overlap).",
            "Example: whisper-cli vad talk.wav | while IFS=$(printf '\\t') read s e; do",
            "           ffmpeg -ss \"$s\" -to \"$e\" -i talk.wav \"part-$s.wav\"; done",
            "",
            "options:",
        ]
        var entries: [(String, String)] = sharedSpecs.map { spec in
            (spec.names.joined(separator: ", ") + (spec.value.map { " " + $0 } ?? ""), spec.help)
        }
        entries += [
            ("--format FMT", "sec, cs or ts (see above; default: sec)"),
            ("--probs", "print each 32 ms window's speech probability instead, one per line"),
        ]
        for (left, help) in entries {
            let left = "  " + left
            lines.append((left.count < 36 ? left + String(repeating: " ", count: 36 - left.count) : left + "  ") + help)
        }
        lines += ["", "exit status: 0 all files processed; 1 a file or the model failed; 2 usage error."]
        return lines.joined(separator: "\n")
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        var onlyFiles = false
        func value(for name: String) throws -> String {
            guard index < arguments.count else { throw UsageError(description: "option \(name) needs a value") }
            index += 1
            return arguments[index - 1]
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyFiles || argument == "-" || !argument.hasPrefix("-") {
                options.shared.files.append(argument)
                continue
            }
            var name = argument
            var inline: String?
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inline = String(argument[argument.index(after: eq)...])
            }
            switch name {
            case "--":
                onlyFiles = true
            case "--format":
                let text = try inline ?? value(for: name)
                guard let format = TimeFormat(rawValue: text) else {
                    throw UsageError(description: "--format: expected sec, cs or ts, got '\(text)'")
                }
                options.format = format
            case "--probs":
                options.printProbabilities = true
            default:
                guard let spec = sharedSpecs.first(where: { $0.names.contains(name) }) else {
                    throw UsageError(description: "unknown option '\(argument)' for 'whisper-cli vad' (see whisper-cli vad --help)")
                }
                if spec.value != nil {
                    try spec.apply(&options.shared, try inline ?? value(for: name))
                } else {
                    guard inline == nil else { throw UsageError(description: "option \(name) takes no value") }
                    try spec.apply(&options.shared, "")
                }
            }
        }
        guard options.shared.threads >= 1 else { throw UsageError(description: "-t must be at least 1") }
        return options
    }

    static func run(_ arguments: [String]) -> Int32 {
        let options: Options
        do {
            options = try parse(arguments)
        } catch {
            Console.error("\(error)")
            return 2
        }
        if options.shared.showHelp {
            Console.output(helpText() + "\n")
            return 0
        }
        let files = options.shared.files
        guard !files.isEmpty else {
            Console.error("no input files given (see whisper-cli vad --help)")
            return 2
        }
        let vad: SileroVAD
        do {
            let source: VADOptions.ModelSource = options.shared.vadModel.map { .file($0) } ?? .defaultLocation
            let model = try VADOptions(model: source).loadModel()
            vad = SileroVAD(model: model)
            if !options.shared.noPrints {
                Console.info("whisper-cli vad: model \(model.path): \(model.modelType) v\(model.version)")
            }
        } catch {
            Console.error("\(error)")
            return 1
        }

        let executor = ParallelExecutor(threads: options.shared.threads)
        let parameters = options.shared.vadParameters
        var failures = 0
        for file in files {
            do {
                let samples = try AudioLoader.loadMono16k(path: file)
                let start = Date()
                let probabilities = vad.probabilities(of: samples, executor: executor)
                let segments = SpeechSegments.detect(probabilities: probabilities, windowSize: vad.windowSize,
                                                     parameters: parameters)
                let elapsed = -start.timeIntervalSinceNow
                let prefix = files.count > 1 ? file + "\t" : ""
                var text = ""
                if options.printProbabilities {
                    for p in probabilities { text += prefix + String(format: "%.6f", p) + "\n" }
                } else {
                    for segment in segments { text += prefix + format(segment, options.format) + "\n" }
                }
                Console.output(text)
                if !options.shared.noPrints {
                    let speech = segments.reduce(0) { $0 + $1.duration }
                    Console.info(String(format: "whisper-cli vad: %@: %d speech segment%@, %.2f s of %.2f s, VAD %.1f ms",
                                        file, segments.count, segments.count == 1 ? "" : "s", speech,
                                        Double(samples.count) / Double(AudioLoader.sampleRate), elapsed * 1000))
                }
            } catch {
                Console.error("\(error)")
                failures += 1
            }
        }
        return failures == 0 ? 0 : 1
    }

    static func format(_ segment: SpeechSegment, _ format: TimeFormat) -> String {
        switch format {
        case .seconds:
            return String(format: "%.2f\t%.2f", segment.start, segment.end)
        case .centiseconds:
            return "\(segment.startCentiseconds)\t\(segment.endCentiseconds)"
        case .timestamps:
            return Timestamp.format(segment.start) + "\t" + Timestamp.format(segment.end)
        }
    }
}
