import WhisperCore
import WhisperPlatform

/// A command-line mistake: unknown option, missing or malformed value. Exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

/// Everything `whisper-cli` can be told, in whisper.cpp's spelling.
struct CommandLineOptions {
    var model: String?
    var files: [String] = []
    var threads = defaultThreads
    var processors = 1
    var batch = 1
    var offsetMilliseconds = 0
    var durationMilliseconds = 0
    var maxContext = -1
    var maxLength = 0
    var splitOnWord = false
    var wordTimestamps = false
    var subtitleLayout = SubtitleLayout()
    var prependPunctuations = WordTimestamps.prependPunctuations
    var appendPunctuations = WordTimestamps.appendPunctuations
    var alignmentHeads: String?
    var hallucinationSilenceThreshold: Double?
    var bestOf = 5
    var beamSize = 5
    var compressionRatioThreshold = 2.4
    var logProbThreshold = -1.0
    var noSpeechThreshold = 0.6
    var temperature: Float = 0
    var temperatureIncrement: Float = 0.2
    var noFallback = false
    var translate = false
    var language = "en"
    var detectLanguageOnly = false
    var prompt: String?
    var noContext = false
    var noTimestamps = false
    var noPrints = false
    var printSpecial = false
    var printColors = false
    var printProgress = false
    var suppressNonSpeech = true
    var seed: UInt64 = 0
    var outputFormats: Set<OutputFormat> = []
    var outputFile: String?
    var outputDirectory: String?
    var recursive = false
    var skipExisting = false
    var showHelp = false
    // Live audio (whisper.cpp's stream): --stream, --step, --length, --keep.
    var stream = false
    var stepMilliseconds = 3000
    var lengthMilliseconds = 10000
    var keepMilliseconds = 200
    var showVersion = false
    // Voice activity detection (whisper.cpp's --vad flags).
    var vad = false
    var vadModel: String?
    var vadThreshold: Float = 0.5
    var vadMinSpeechMilliseconds = 250
    var vadMinSilenceMilliseconds = 100
    var vadMaxSpeechSeconds = Double.infinity
    var vadSpeechPadMilliseconds = 30
    var vadSamplesOverlap = 0.1

    /// Beam size and best-of are capped as whisper.cpp caps them (its WHISPER_MAX_DECODERS).
    static let maxDecoders = 8
    /// Chunks decoded together by --batch: each holds its cross-attention keys and values (14 MB for tiny, 83 MB for small).
    static let maxBatch = 32
    /// More threads than this only add overhead on any machine this runs on.
    static let maxThreads = 256
    /// About 24 days: a bound that keeps every time computation far from overflow.
    static let maxMilliseconds = Int(Int32.max)
    static let maxTemperature = 100.0
    /// The fallback tries at most 1 + 1 / increment temperatures: no more than 101.
    static let minTemperatureIncrement: Float = 0.01

    static var defaultThreads: Int {
        min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// One option: its spellings, the name of its value (nil for a flag), its help line, and what it sets.
    struct Spec {
        let names: [String]
        let value: String?
        let help: String
        let apply: (inout CommandLineOptions, String) throws -> Void
    }

    static func flag(_ names: [String], _ help: String, _ set: @escaping (inout CommandLineOptions) -> Void) -> Spec {
        Spec(names: names, value: nil, help: help) { o, _ in set(&o) }
    }

    static func int(_ names: [String], _ value: String, _ help: String, _ set: @escaping (inout CommandLineOptions, Int) -> Void) -> Spec {
        Spec(names: names, value: value, help: help) { o, text in
            guard let v = Int(text) else { throw UsageError(description: "\(names[0]) expects an integer, got '\(text)'") }
            set(&o, v)
        }
    }

    static func number(_ names: [String], _ value: String, _ help: String, _ set: @escaping (inout CommandLineOptions, Double) -> Void) -> Spec {
        Spec(names: names, value: value, help: help) { o, text in
            guard let v = Double(text), v.isFinite else { throw UsageError(description: "\(names[0]) expects a number, got '\(text)'") }
            set(&o, v)
        }
    }

    static func text(_ names: [String], _ value: String, _ help: String, _ set: @escaping (inout CommandLineOptions, String) -> Void) -> Spec {
        Spec(names: names, value: value, help: help) { o, text in set(&o, text) }
    }

    /// An integer option whose value must lie in `range`.
    static func int(_ names: [String], _ value: String, _ help: String, in range: ClosedRange<Int>,
                    _ set: @escaping (inout CommandLineOptions, Int) -> Void) -> Spec {
        Spec(names: names, value: value, help: help) { o, text in
            guard let v = Int(text) else { throw UsageError(description: "\(names[0]) expects an integer, got '\(text)'") }
            guard range.contains(v) else { throw UsageError(description: "\(names[0]) must be in \(range), got \(v)") }
            set(&o, v)
        }
    }

    /// A number option whose value must lie in `range`.
    static func number(_ names: [String], _ value: String, _ help: String, in range: ClosedRange<Double>,
                       _ set: @escaping (inout CommandLineOptions, Double) -> Void) -> Spec {
        Spec(names: names, value: value, help: help) { o, text in
            guard let v = Double(text), v.isFinite else { throw UsageError(description: "\(names[0]) expects a number, got '\(text)'") }
            guard range.contains(v) else { throw UsageError(description: "\(names[0]) must be in \(range), got \(v)") }
            set(&o, v)
        }
    }

    static let specs: [Spec] = [
        flag(["-h", "--help"], "show this help and exit") { $0.showHelp = true },
        flag(["--version"], "print the version and how this binary was built, and exit") { $0.showVersion = true },
        text(["-m", "--model"], "FNAME", "model path, or a model name (tiny.en, base, ...) looked up in Models/") { $0.model = $1 },
        text(["-f", "--file"], "FNAME", "input WAV file or directory (may repeat; bare arguments work too)") { $0.files.append($1) },
        int(["-t", "--threads"], "N", "threads to compute with (default: \(defaultThreads))", in: 1...maxThreads) { $0.threads = $1 },
        int(["-p", "--processors"], "N", "files transcribed at once, their decoder steps shared (default: 1)", in: 1...maxThreads) { $0.processors = $1 },
        int(["--batch"], "N", "throughput: cut the speech (found by the VAD model, see -vm) at pauses into chunks of at most 30 s and decode N chunks at once (beam search per -bs), without previous-text context (default: 1, off)", in: 1...maxBatch) { $0.batch = $1 },
        int(["-ot", "--offset-t"], "N", "start at this offset, in milliseconds (default: 0)", in: 0...maxMilliseconds) { $0.offsetMilliseconds = $1 },
        int(["-d", "--duration"], "N", "transcribe this many milliseconds of audio (default: 0, all)", in: 0...maxMilliseconds) { $0.durationMilliseconds = $1 },
        int(["-mc", "--max-context"], "N", "previous-text tokens to condition on (default: -1, up to 223; 0: none)", in: -1...Int(Int32.max)) { $0.maxContext = $1 },
        int(["-ml", "--max-len"], "N", "split segments to at most N characters, times shared by characters (default: 0)", in: 0...Int(Int32.max)) { $0.maxLength = $1 },
        flag(["-sow", "--split-on-word"], "with -ml, split on words rather than tokens") { $0.splitOnWord = true },
        Spec(names: ["--alignment-heads"], value: "HEADS", help: "heads word timing follows: a model name (tiny.en ... large-v3-turbo), 'last-half'\n" + String(repeating: " ", count: 32) + "(OpenAI's default for a model file) or LAYER:HEAD,... (default: the model's published heads)") { o, value in
            guard value == "last-half" || AlignmentHeads.named(value) != nil || AlignmentHeads(list: value) != nil else {
                throw UsageError(description: "--alignment-heads: '\(value)' is not a model name, 'last-half' or LAYER:HEAD,...")
            }
            o.alignmentHeads = value
        },
        int(["--max-line-width"], "N", "with --word-timestamps: at most N characters a subtitle line (SRT/VTT)", in: 1...100_000) { $0.subtitleLayout.maxLineWidth = $1 },
        int(["--max-line-count"], "N", "with --word-timestamps and --max-line-width: at most N lines a subtitle", in: 1...10_000) { $0.subtitleLayout.maxLineCount = $1 },
        int(["--max-words-per-line"], "N", "with --word-timestamps: at most N words a subtitle line", in: 1...100_000) { $0.subtitleLayout.maxWordsPerLine = $1 },
        text(["--prepend-punctuations"], "CHARS", "with --word-timestamps: punctuation joined to the next word (default: OpenAI's)") { $0.prependPunctuations = $1 },
        text(["--append-punctuations"], "CHARS", "with --word-timestamps: punctuation joined to the previous word (default: OpenAI's)") { $0.appendPunctuations = $1 },
        flag(["--highlight-words"], "with --word-timestamps: a subtitle per word, the word underlined (karaoke)") { $0.subtitleLayout.highlightWords = true },
        number(["--hallucination-silence-threshold"], "T", "with --word-timestamps: skip silences longer than T seconds around text that looks hallucinated (OpenAI's option)", in: 0...100_000) { $0.hallucinationSilenceThreshold = $1 },
        flag(["--word-timestamps"], "time every word (OpenAI's word_timestamps): JSON gets a words array, -ml/-sow split on word times") { $0.wordTimestamps = true },
        int(["-bo", "--best-of"], "N", "candidates sampled at temperature > 0, at most \(maxDecoders) (default: 5)", in: 1...maxDecoders) { $0.bestOf = $1 },
        int(["-bs", "--beam-size"], "N", "beam size at temperature 0, at most \(maxDecoders); 1 decodes greedily (default: 5)", in: 1...maxDecoders) { $0.beamSize = $1 },
        number(["-et", "--entropy-thold"], "N", "retry a window whose text repeats itself: compresses over N:1 (OpenAI's test in place of whisper.cpp's entropy; default: 2.4)", in: 0...1000) { $0.compressionRatioThreshold = $1 },
        number(["-lpt", "--logprob-thold"], "N", "average log-probability threshold for the fallback (default: -1.0)", in: -1000...0) { $0.logProbThreshold = $1 },
        number(["-nth", "--no-speech-thold"], "N", "no-speech probability above which a window is silence (default: 0.6)", in: 0...1) { $0.noSpeechThreshold = $1 },
        number(["-tp", "--temperature"], "N", "sampling temperature of the first attempt (default: 0.0)", in: 0...maxTemperature) { $0.temperature = Float($1) },
        number(["-tpi", "--temperature-inc"], "N", "temperature step of the fallback, 0 or \(minTemperatureIncrement)...1 (default: 0.2)", in: 0...1) { $0.temperatureIncrement = Float($1) },
        flag(["-nf", "--no-fallback"], "never retry a window at a higher temperature") { $0.noFallback = true },
        flag(["-tr", "--translate"], "translate into English (multilingual models)") { $0.translate = true },
        text(["-l", "--language"], "LANG", "spoken language code, or 'auto' to detect it (default: en)") { $0.language = $1 },
        flag(["-dl", "--detect-language"], "detect the language, print it and exit") { $0.detectLanguageOnly = true },
        text(["--prompt"], "PROMPT", "initial prompt: text that primes the first window") { $0.prompt = $1 },
        flag(["-nc", "--no-context"], "do not condition a window on the previous text (same as -mc 0)") { $0.noContext = true },
        flag(["-nt", "--no-timestamps"], "print the text without timestamps") { $0.noTimestamps = true },
        flag(["--stream"], "live audio: read 16 kHz mono 16-bit PCM (raw, or after a WAV header) from '-' (stdin) or a named pipe as it arrives and print lines of text as they are heard (greedy); with --vad, a line per utterance once a pause (at least 500 ms, or -vsd) ends it") { $0.stream = true },
        int(["--step"], "MS", "with --stream: transcribe every MS ms of new audio (default: 3000)", in: 100...60_000) { $0.stepMilliseconds = $1 },
        int(["--length"], "MS", "with --stream: the audio each step transcribes, ms (default: 10000)", in: 100...30_000) { $0.lengthMilliseconds = $1 },
        int(["--keep"], "MS", "with --stream: audio of the previous line kept at the start of the next, ms (default: 200)", in: 0...10_000) { $0.keepMilliseconds = $1 },
        flag(["-np", "--no-prints"], "print nothing but the results") { $0.noPrints = true },
        flag(["-ps", "--print-special"], "print special tokens") { $0.printSpecial = true },
        flag(["-pc", "--print-colors"], "colour tokens by their probability") { $0.printColors = true },
        flag(["-pp", "--print-progress"], "print progress on stderr") { $0.printProgress = true },
        flag(["-sns", "--suppress-nst"], "suppress non-speech tokens (on by default, as in OpenAI's Whisper)") { $0.suppressNonSpeech = true },
        flag(["--no-suppress-nst"], "allow non-speech tokens") { $0.suppressNonSpeech = false },
        int(["--seed"], "N", "seed of the sampler at temperature > 0 (default: 0)") { $0.seed = UInt64(truncatingIfNeeded: $1) },
        flag(["-otxt", "--output-txt"], "write a .txt file") { $0.outputFormats.insert(.txt) },
        flag(["-ovtt", "--output-vtt"], "write a .vtt (WebVTT) file") { $0.outputFormats.insert(.vtt) },
        flag(["-osrt", "--output-srt"], "write a .srt (SubRip) file") { $0.outputFormats.insert(.srt) },
        flag(["-olrc", "--output-lrc"], "write a .lrc (lyrics) file") { $0.outputFormats.insert(.lrc) },
        flag(["-ocsv", "--output-csv"], "write a .csv file") { $0.outputFormats.insert(.csv) },
        flag(["-otsv", "--output-tsv"], "write a .tsv file") { $0.outputFormats.insert(.tsv) },
        flag(["-oj", "--output-json"], "write a .json file (segments, tokens, probabilities, parameters)") { $0.outputFormats.insert(.json) },
        flag(["-ojf", "--output-json-full"], "same as -oj (the JSON always holds tokens and probabilities)") { $0.outputFormats.insert(.json) },
        Spec(names: ["-of", "--output-file"], value: "FNAME", help: "output file path without extension (single input only)") { o, name in
            let last = name.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            guard !last.isEmpty, last != ".", last != ".." else {
                throw UsageError(description: "-of needs a file name (without extension), got '\(name)'"
                                 + (name.hasSuffix("/") ? "; for a folder use --output-dir" : ""))
            }
            o.outputFile = name
        },
        Spec(names: ["--output-dir"], value: "DIR", help: "write output files into DIR (default: next to each input)") { o, dir in
            guard !dir.isEmpty else { throw UsageError(description: "--output-dir needs a folder name") }
            o.outputDirectory = dir
        },
        Spec(names: ["--output-format"], value: "LIST", help: "comma-separated output formats: txt,vtt,srt,lrc,csv,tsv,json or all") { o, list in
            if list.split(separator: ",").allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw UsageError(description: "--output-format needs at least one format (txt, vtt, srt, lrc, csv, tsv, json, all)")
            }
            for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                if name.lowercased() == "all" {
                    o.outputFormats.formUnion(OutputFormat.allCases)
                } else if let format = OutputFormat(name: name) {
                    o.outputFormats.insert(format)
                } else {
                    throw UsageError(description: "--output-format: unknown format '\(name)' (txt, vtt, srt, lrc, csv, tsv, json, all)")
                }
            }
        },
        flag(["-r", "--recursive"], "search directories recursively for WAV files") { $0.recursive = true },
        flag(["--skip-existing"], "skip inputs whose output files already exist (resume a batch)") { $0.skipExisting = true },
        flag(["--vad"], "transcribe only the speech a Silero VAD model finds (see -vm)") { $0.vad = true },
        text(["-vm", "--vad-model"], "FNAME", "VAD model path (default: \(VADOptions.defaultModelPath))") { $0.vadModel = $1 },
        number(["-vt", "--vad-threshold"], "N", "VAD speech probability threshold (default: 0.5)", in: 0...1) { $0.vadThreshold = Float($1) },
        int(["-vspd", "--vad-min-speech-duration-ms"], "N", "VAD: drop speech shorter than N ms (default: 250)", in: 0...Int(Int32.max)) { $0.vadMinSpeechMilliseconds = $1 },
        int(["-vsd", "--vad-min-silence-duration-ms"], "N", "VAD: silence of N ms ends a segment (default: 100)", in: 0...Int(Int32.max)) { $0.vadMinSilenceMilliseconds = $1 },
        number(["-vmsd", "--vad-max-speech-duration-s"], "N", "VAD: split speech longer than N seconds (default: no limit)", in: 0.001...Double.greatestFiniteMagnitude) { $0.vadMaxSpeechSeconds = $1 },
        int(["-vp", "--vad-speech-pad-ms"], "N", "VAD: extend each segment by N ms at both ends (default: 30)", in: 0...Int(Int32.max)) { $0.vadSpeechPadMilliseconds = $1 },
        number(["-vo", "--vad-samples-overlap"], "N", "VAD: seconds of audio kept after each segment (default: 0.1)", in: 0...3600) { $0.vadSamplesOverlap = $1 },
        // Accepted for compatibility with whisper.cpp scripts; they change nothing here.
        flag(["-fa", "--flash-attn", "-nfa", "--no-flash-attn", "-ng", "--no-gpu", "-debug", "--debug-mode"],
             "accepted for compatibility with whisper.cpp; no effect") { _ in },
    ]

    static func parse(_ arguments: [String]) throws -> CommandLineOptions {
        var options = CommandLineOptions()
        var index = 0
        var onlyFiles = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyFiles || argument == "-" || !argument.hasPrefix("-") {
                options.files.append(argument)
                continue
            }
            if argument == "--" {
                onlyFiles = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inlineValue = String(argument[argument.index(after: eq)...])
            }
            guard let spec = specs.first(where: { $0.names.contains(name) }) else {
                throw UsageError(description: "unknown option '\(argument)' (see --help)")
            }
            if spec.value != nil {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else {
                        throw UsageError(description: "option \(name) needs a value (\(spec.value!))")
                    }
                    value = arguments[index]
                    index += 1
                }
                try spec.apply(&options, value)
            } else {
                guard inlineValue == nil else { throw UsageError(description: "option \(name) takes no value") }
                try spec.apply(&options, "")
            }
        }
        try options.validate()
        return options
    }

    func validate() throws {
        if showHelp || showVersion { return }
        guard threads >= 1 else { throw UsageError(description: "-t must be at least 1") }
        guard processors >= 1 else { throw UsageError(description: "-p must be at least 1") }
        guard beamSize >= 1, bestOf >= 1 else { throw UsageError(description: "-bs and -bo must be at least 1") }
        guard offsetMilliseconds >= 0, durationMilliseconds >= 0 else {
            throw UsageError(description: "-ot and -d must not be negative")
        }
        guard temperatureIncrement == 0 || temperatureIncrement >= Self.minTemperatureIncrement else {
            throw UsageError(description: "-tpi must be 0 (no fallback) or in \(Self.minTemperatureIncrement)...1, got \(temperatureIncrement)")
        }
        guard maxLength >= 0 else { throw UsageError(description: "-ml must not be negative") }
        if !wordTimestamps && subtitleLayout != SubtitleLayout() {
            throw UsageError(description: "--max-line-width, --max-line-count, --max-words-per-line and --highlight-words need --word-timestamps")
        }
        if stream {
            guard files.count == 1 else {
                throw UsageError(description: "--stream reads one input: '-' (stdin) or a named pipe, got \(files.count)")
            }
            guard outputFormats.isEmpty, outputFile == nil, !wordTimestamps else {
                throw UsageError(description: "--stream prints lines of text: it takes no output files or --word-timestamps")
            }
            guard stepMilliseconds <= lengthMilliseconds else {
                throw UsageError(description: "--step (\(stepMilliseconds) ms) must not be longer than --length (\(lengthMilliseconds) ms)")
            }
        } else if stepMilliseconds != 3000 || lengthMilliseconds != 10000 || keepMilliseconds != 200 {
            throw UsageError(description: "--step, --length and --keep need --stream")
        }
        if !wordTimestamps && hallucinationSilenceThreshold != nil {
            throw UsageError(description: "--hallucination-silence-threshold needs --word-timestamps")
        }
        if batch > 1 {
            guard !stream else { throw UsageError(description: "--batch does not apply to --stream") }
            guard prompt == nil, hallucinationSilenceThreshold == nil else {
                throw UsageError(description: "--batch decodes chunks without previous text: it takes no --prompt or --hallucination-silence-threshold")
            }
        }
        if skipExisting && outputFormats.isEmpty {
            throw UsageError(description: "--skip-existing needs output files to look for (-otxt, -osrt, --output-format ...)")
        }
        if language != "auto", Language.find(language) == nil {
            throw UsageError(description: "unknown language '\(language)' (use a code such as en, de, fr, or 'auto')")
        }
    }

    /// The library's options for these flags.
    func transcriptionOptions() -> TranscriptionOptions {
        var o = TranscriptionOptions()
        o.decoding.task = translate ? .translate : .transcribe
        o.decoding.language = language == "auto" ? nil : Language.find(language)?.code
        o.decoding.beamSize = beamSize
        o.decoding.bestOf = bestOf
        o.decoding.suppressNonSpeechTokens = suppressNonSpeech
        o.decoding.seed = seed
        if noFallback || temperatureIncrement == 0 {
            o.temperatures = [temperature]
        } else {
            // At most 1 + 1 / increment temperatures (the increment is at least 0.01).
            let steps = Array(stride(from: temperature, through: 1.0 + 1e-6, by: temperatureIncrement))
            o.temperatures = steps.isEmpty ? [temperature] : steps
        }
        o.compressionRatioThreshold = compressionRatioThreshold
        o.logProbThreshold = logProbThreshold
        o.noSpeechThreshold = noSpeechThreshold
        o.conditionOnPreviousText = !noContext && maxContext != 0
        o.maxTextContext = maxContext > 0 ? maxContext : nil
        o.initialPrompt = prompt
        o.offset = Double(offsetMilliseconds) / 1000
        o.duration = durationMilliseconds > 0 ? Double(durationMilliseconds) / 1000 : nil
        o.wordTimestamps = wordTimestamps
        o.hallucinationSilenceThreshold = hallucinationSilenceThreshold
        o.prependPunctuations = prependPunctuations
        o.appendPunctuations = appendPunctuations
        if let alignmentHeads {
            if alignmentHeads == "last-half" {
                o.alignmentHeads = .lastHalf
            } else if let heads = AlignmentHeads.named(alignmentHeads) ?? AlignmentHeads(list: alignmentHeads) {
                o.alignmentHeads = .heads(heads)
            }
        }
        o.batchSize = batch
        if vad || batch > 1 {
            o.vad = VADOptions(model: vadModel.map { .file($0) } ?? .defaultLocation, parameters: vadParameters)
        }
        return o
    }

    /// The library's VAD parameters for the -v* flags.
    var vadParameters: VADParameters {
        VADParameters(threshold: vadThreshold,
                      minSpeechDuration: Double(vadMinSpeechMilliseconds) / 1000,
                      minSilenceDuration: Double(vadMinSilenceMilliseconds) / 1000,
                      maxSpeechDuration: vadMaxSpeechSeconds,
                      speechPad: Double(vadSpeechPadMilliseconds) / 1000,
                      samplesOverlap: vadSamplesOverlap)
    }

    static func helpText() -> String {
        var lines = [
            "usage: whisper-cli [options] FILE...",
            "       whisper-cli bench | models | quantize | convert | model-info | vad   (see 'whisper-cli COMMAND --help')",
            "",
            "Transcribes WAV files with a whisper.cpp GGML model, on the CPU, in pure Swift.",
            "Segments are printed to stdout as they are decoded: [hh:mm:ss.mmm --> hh:mm:ss.mmm]  text",
            "Progress, per-file reports, the summary and timings go to stderr (-np: only errors).",
            "",
            "options:",
        ]
        for spec in specs {
            var left = "  " + spec.names.joined(separator: ", ")
            if let value = spec.value { left += " " + value }
            let padded = left.count < 30 ? left + String(repeating: " ", count: 30 - left.count) : left + "  "
            lines.append(padded + spec.help)
        }
        lines += [
            "",
            "Inputs are WAV files, directories (searched for *.wav; recursively with -r) or '-' (stdin).",
            "A WAV file without a single sample (a header only) is an error; audio too short to hold speech",
            "(even 1 sample) is transcribed and gives no text. A named pipe is read if its writer is already",
            "running and refused at once otherwise (never a wait); a model must be a regular file.",
            "Output files are named after each input (talk.wav -> talk.srt), next to it or under --output-dir",
            "(keeping the layout below a directory given as input); they are written under a temporary",
            "name and renamed when complete. With -p N, N files are transcribed at once with the same results.",
            "A model may be given by name (-m base.en): it is looked up as ggml-NAME.bin in $WHISPER_MODELS_DIR,",
            "./Models and ./models. 'whisper-cli models' lists and downloads the published models.",
            "",
            "exit status: 0 every file transcribed (or skipped); 1 a file or the model failed (the other files",
            "are still transcribed, and output that cannot be written fails too); 2 usage error; 129, 130, 143 hangup,",
            "interrupt, termination (temporary output files are removed). Nothing but regular files is ever replaced,",
            "and never an input: see the README's Guarantees.",
            "example: whisper-cli -m base.en -otxt -osrt --output-dir out/ recordings/",
        ]
        return lines.joined(separator: "\n")
    }
}

import Foundation
