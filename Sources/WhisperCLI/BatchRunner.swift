import Foundation
import WhisperCore
import WhisperPlatform

/// One audio file to transcribe.
struct BatchInput: Equatable {
    /// The file's path as given or found (`-` for standard input).
    let path: String
    /// The directory argument it was found in (nil if named directly).
    let root: String?

    var isStandardInput: Bool { path == "-" }

    /// The audio length from the WAV header, without decoding (nil if unknown or unreadable).
    /// Only a regular file is looked into: peeking at a named pipe would eat the audio it carries.
    var declaredDuration: Double? {
        guard !isStandardInput,
              (try? FileManager.default.attributesOfItem(atPath: path)[.type]) as? FileAttributeType == .typeRegular,
              let reader = try? WAVReader(path: path),
              let frames = reader.declaredFrameCount, reader.sampleRate > 0 else { return nil }
        return Double(frames) / Double(reader.sampleRate)
    }
}

/// Turns the command line's files and directories into the list of inputs.
enum InputDiscovery {
    /// Inputs in command-line order; each directory contributes its `.wav` files (any case) sorted by
    /// path — its direct children, or everything below it with `recursive`. Paths that do not exist
    /// are returned as problems: they fail, but do not stop the batch.
    static func collect(_ arguments: [String], recursive: Bool) -> (inputs: [BatchInput], problems: [(path: String, reason: String)], emptyDirectories: [String]) {
        skippedLinks.removeAll()
        var inputs: [BatchInput] = []
        var problems: [(String, String)] = []
        var empty: [String] = []
        let fm = FileManager.default
        for argument in arguments {
            if argument == "-" {
                inputs.append(BatchInput(path: "-", root: nil))
                continue
            }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                problems.append((argument, "no such file or directory"))
                continue
            }
            guard isDirectory.boolValue else {
                inputs.append(BatchInput(path: argument, root: nil))
                continue
            }
            let found = wavFiles(in: argument, recursive: recursive)
            if found.isEmpty { empty.append(argument) }
            inputs += found.map { BatchInput(path: $0, root: argument) }
        }
        return (inputs, problems, empty)
    }

    static func wavFiles(in directory: String, recursive: Bool) -> [String] {
        let fm = FileManager.default
        let base = URL(fileURLWithPath: directory)
        var paths: [String] = []
        if recursive {
            guard let enumerator = fm.enumerator(atPath: directory) else { return [] }
            while let relative = enumerator.nextObject() as? String {
                let url = base.appendingPathComponent(relative)
                if isWAV(url) { consider(url.path, into: &paths) }
            }
        } else {
            let names = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
            for name in names {
                let url = base.appendingPathComponent(name)
                if isWAV(url) { consider(url.path, into: &paths) }
            }
        }
        return paths.sorted()
    }

    /// Adds `path` if it is a regular file (or a link to one); remembers broken and looping links.
    private static func consider(_ path: String, into paths: inout [String]) {
        if isRegularFile(path) {
            paths.append(path)
            return
        }
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            skippedLinks.append(path)
        }
    }

    /// `.wav` names found in directories that are broken or looping symbolic links (reported as warnings).
    nonisolated(unsafe) static var skippedLinks: [String] = []

    private static func isWAV(_ url: URL) -> Bool {
        !url.lastPathComponent.hasPrefix(".") && url.pathExtension.lowercased() == "wav"
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}

/// `-ot` at or past the end of the audio: nothing was transcribed, which is not a success.
struct OffsetError: Error, CustomStringConvertible {
    let offset: Double
    let audioSeconds: Double
    var description: String {
        String(format: "-ot starts at %.3f s, but the audio is only %.3f s long: nothing to transcribe", offset, audioSeconds)
    }
}

/// What happened to one input.
enum FileOutcome {
    case transcribed(audioSeconds: Double, seconds: Double, timings: Timings)
    case skipped
    case failed(String)
}

/// Totals printed at the end of a batch.
struct BatchSummary {
    var transcribed = 0
    var failed = 0
    var skipped = 0
    var audioSeconds = 0.0
    var timings = Timings()

    mutating func add(_ outcome: FileOutcome) {
        switch outcome {
        case let .transcribed(audio, _, t):
            transcribed += 1
            audioSeconds += audio
            timings.mel += t.mel
            timings.encode += t.encode
            timings.decode += t.decode
            timings.alignment += t.alignment
            timings.windows += t.windows
            timings.decodedTokens += t.decodedTokens
        case .skipped: skipped += 1
        case .failed: failed += 1
        }
    }
}

/// Transcribes a list of inputs, one after another with all threads, or `-p N` at a time: each
/// file's log-mel, encoder and word alignment with a share of the threads, the decoder passes of all
/// of them in shared steps on all the threads (`SharedDecoderSteps`). A file that fails is reported
/// and the batch goes on.
///
/// stdout receives each file's segments in input order whatever `-p` is: one at a time they are
/// printed as they are decoded; several at once, each file's listing is held until the files before
/// it are printed. Output files do not depend on `-p` or `-t` either.
final class BatchRunner: @unchecked Sendable {
    let model: WhisperModel
    let modelName: String
    let options: CommandLineOptions
    let inputs: [BatchInput]
    let targets: [OutputTarget]
    let progress: ProgressDisplay
    private let formats: [OutputFormat]
    private let lock = NSLock()
    private var outcomes: [FileOutcome?]
    private var listings: [String?]
    private var nextToPrint = 0
    private var nextToStart = 0

    init(model: WhisperModel, modelName: String, options: CommandLineOptions, inputs: [BatchInput],
         targets: [OutputTarget], progress: ProgressDisplay) {
        self.model = model
        self.modelName = modelName
        self.options = options
        self.inputs = inputs
        self.targets = targets
        self.progress = progress
        formats = OutputFormat.allCases.filter(options.outputFormats.contains)
        outcomes = Array(repeating: nil, count: inputs.count)
        listings = Array(repeating: nil, count: inputs.count)
    }

    /// Runs the batch; returns each input's outcome, in input order.
    func run() throws -> [FileOutcome] {
        let workers = max(1, min(options.processors, inputs.count))
        let threadsEach = max(1, options.threads / workers)
        // Side by side, the files' decoder passes run as shared steps on all the threads.
        let shared = workers > 1 ? SharedDecoderSteps(model: model, threads: options.threads) : nil
        let transcribers = try (0..<workers).map { _ in
            try shared.map { try Transcriber(model: model, threads: threadsEach, sharing: $0) } ?? Transcriber(model: model, threads: threadsEach)
        }
        if workers == 1 {
            for index in inputs.indices { process(index, with: transcribers[0], streaming: true) }
        } else {
            let group = DispatchGroup()
            for transcriber in transcribers {
                DispatchQueue.global().async(group: group) {
                    while true {
                        self.lock.lock()
                        let index = self.nextToStart
                        self.nextToStart += 1
                        self.lock.unlock()
                        guard index < self.inputs.count else { return }
                        self.process(index, with: transcriber, streaming: false)
                    }
                }
            }
            group.wait()
        }
        return outcomes.map { $0 ?? .failed("not run") }
    }

    private func process(_ index: Int, with transcriber: Transcriber, streaming: Bool) {
        let input = inputs[index]
        let target = targets[index]
        var listing = ""
        let emit: (String) -> Void = streaming ? { Console.output($0) } : { listing += $0 }
        let outcome: FileOutcome
        if options.skipExisting && target.allExist(formats) {
            outcome = .skipped
            progress.fileFinished(index, audioSeconds: input.declaredDuration ?? 0,
                                  report: options.noPrints ? nil : "whisper-cli: [\(index + 1)/\(inputs.count)] \(input.path): skipped (outputs exist)")
        } else {
            let start = Date()
            do {
                let (audioSeconds, timings) = try transcribe(index, with: transcriber, emit: emit)
                let seconds = -start.timeIntervalSinceNow
                outcome = .transcribed(audioSeconds: audioSeconds, seconds: seconds, timings: timings)
                progress.fileFinished(index, audioSeconds: audioSeconds, report: options.noPrints ? nil :
                    String(format: "whisper-cli: [%d/%d] %@: %.1f s of audio in %.1f s", index + 1, inputs.count, input.path, audioSeconds, seconds))
            } catch {
                let message = "\(error)"
                outcome = .failed(message)
                progress.fileFinished(index, audioSeconds: input.declaredDuration ?? 0, report: nil)
                Console.error(message.contains(input.path) ? message : "\(input.path): \(message)")
            }
        }
        lock.lock()
        outcomes[index] = outcome
        listings[index] = listing
        // Print, in input order, every listing that is ready.
        var ready: [String] = []
        while nextToPrint < inputs.count, let text = listings[nextToPrint] {
            ready.append(text)
            listings[nextToPrint] = ""
            nextToPrint += 1
        }
        for text in ready where !text.isEmpty { Console.output(text) }
        lock.unlock()
    }

    /// Transcribes one file: prints its segments, writes its output files. Returns the audio length.
    private func transcribe(_ index: Int, with transcriber: Transcriber, emit: @escaping (String) -> Void) throws -> (Double, Timings) {
        let input = inputs[index]
        // Refuse now, before the work, what the writes would refuse after it.
        for format in formats { try SafeFileWriter.checkTarget(targets[index].path(for: format)) }
        let tokenizer = transcriber.tokenizer
        var transcription = options.transcriptionOptions()
        let detects = options.detectLanguageOnly || (options.language == "auto" && tokenizer.specialTokens.isMultilingual)
        // Audio is streamed: read and converted to log-mel in one pass, in memory that does not grow
        // with its length (hours are fine). Only standard input whose language must be detected
        // first is held in memory, since detection and transcription both read its start.
        let samples = input.isStandardInput && detects ? try loadAudio(input) : nil
        var audioSeconds = samples.map { Double($0.count) / Double(AudioLoader.sampleRate) } ?? input.declaredDuration ?? 0
        progress.fileStarted(index, name: input.path, duration: audioSeconds)

        if detects {
            let detected = try samples.map { try transcriber.detectLanguage(samples: $0, options: transcription) }
                ?? transcriber.detectLanguage(file: input.path, options: transcription)
            if let best = detected.first {
                if !options.noPrints || options.detectLanguageOnly {
                    let which = inputs.count > 1 ? "\(input.path): " : ""
                    Console.info("whisper-cli: \(which)auto-detected language: \(best.language.code) (p = \(String(format: "%.6f", best.probability)))")
                }
                transcription.decoding.language = best.language.code
            }
            if options.detectLanguageOnly { return (audioSeconds, Timings()) }
        }

        let printer = SegmentPrinter(options: options, tokenizer: tokenizer)
        let onSegment: (Segment) -> Void = { segment in
            self.progress.fileAdvanced(index, to: segment.end - transcription.offset)
            emit(printer.render(segment))
        }
        let result: TranscriptionResult
        if let samples {
            result = try transcriber.transcribe(samples: samples, options: transcription, onSegment: onSegment)
        } else {
            let stream = input.isStandardInput
                ? try Mono16kStream(reader: WAVReader(fileDescriptor: 0, name: "stdin"))
                : try Mono16kStream(path: input.path)
            result = try transcriber.transcribe(stream: stream, options: transcription, onSegment: onSegment)
            // Read to its end, unless -d stopped it early (then the header's length stands).
            let reader = stream.reader
            audioSeconds = Double(max(reader.framesRead, reader.expectedFrameCount ?? 0)) / Double(reader.sampleRate)
        }
        if options.noTimestamps { emit("\n") }
        if transcription.offset > 0, transcription.offset >= audioSeconds {
            throw OffsetError(offset: transcription.offset, audioSeconds: audioSeconds)
        }

        if !formats.isEmpty {
            let segments = SegmentSplitter.split(result.segments, maxLength: options.maxLength,
                                                 onWords: options.splitOnWord, tokenizer: tokenizer)
            let language = result.language ?? (tokenizer.specialTokens.isMultilingual ? nil : "en")
            var transcript = Transcript(segments: segments, language: language, tokenizer: tokenizer,
                                        model: model.hyperparameters, modelName: modelName,
                                        source: input.path, parameters: options.jsonParameters())
            transcript.subtitleLayout = options.subtitleLayout
            for format in formats {
                try SafeFileWriter.write(format.writer.render(transcript), to: targets[index].path(for: format))
            }
        }
        return (audioSeconds, result.timings)
    }

    private func loadAudio(_ input: BatchInput) throws -> [Float] {
        guard input.isStandardInput else { return try AudioLoader.loadMono16k(path: input.path) }
        let reader = try WAVReader(fileDescriptor: 0, name: "stdin")
        let samples = try reader.readAllMono()
        // As for files (AudioLoader): a header without a single sample is an error.
        if samples.isEmpty { throw AudioError.noAudio(file: "stdin") }
        guard reader.sampleRate != AudioLoader.sampleRate else { return samples }
        return try SincResampler.resample(samples, from: reader.sampleRate, to: AudioLoader.sampleRate)
    }
}

/// How a segment is printed on stdout: `[start --> end]  text`, or the bare text with `-nt`;
/// `-ml`/`-sow` split it first, `-ps` shows special tokens, `-pc` colours each token by its probability.
struct SegmentPrinter {
    let options: CommandLineOptions
    let tokenizer: Tokenizer

    /// 256-colour terminal codes from red (unlikely) to green (certain).
    static let colors = [196, 202, 208, 214, 220, 226, 190, 154, 118, 82].map { "\u{1B}[38;5;\($0)m" }
    static let reset = "\u{1B}[0m"

    /// The colour for a token chosen with probability `p`: the palette indexed by p³, which spreads
    /// out the high probabilities most tokens have.
    static func color(for p: Float) -> String {
        let index = Int((Double(p) * Double(p) * Double(p) * Double(colors.count)).rounded(.down))
        return colors[max(0, min(colors.count - 1, index))]
    }

    func render(_ segment: Segment) -> String {
        let pieces = SegmentSplitter.split(segment, maxLength: options.maxLength, onWords: options.splitOnWord, tokenizer: tokenizer)
        var out = ""
        for piece in pieces {
            let text = body(of: piece)
            if options.noTimestamps {
                out += text
            } else {
                out += "[\(Timestamp.format(piece.start)) --> \(Timestamp.format(piece.end))]  \(text)\n"
            }
        }
        return out
    }

    /// Text from the vocabulary may hold control characters (a damaged or hostile model): on a
    /// terminal they are shown escaped, never sent raw; files and pipes get the text as it is.
    static let sanitizes = Console.isTerminal(1)

    private func body(of segment: Segment) -> String {
        let clean: (String) -> String = Self.sanitizes ? TerminalText.printable : { $0 }
        guard options.printColors || options.printSpecial else { return clean(segment.text) }
        let texts = TokenText.pieces(of: segment.tokens, tokenizer: tokenizer, includeSpecial: options.printSpecial).map(clean)
        guard options.printColors else { return texts.joined() }
        var out = ""
        for (i, text) in texts.enumerated() where !text.isEmpty {
            let p = i < segment.tokenProbabilities.count ? segment.tokenProbabilities[i] : 1
            out += Self.color(for: p) + text + Self.reset
        }
        return out
    }
}

extension CommandLineOptions {
    /// The parameters a JSON transcript records (see `TranscriptionOptions.transcriptParameters`).
    func jsonParameters() -> [(String, JSONValue)] {
        transcriptionOptions().transcriptParameters(language: language, maxContext: maxContext,
                                                    maxLength: maxLength, splitOnWord: splitOnWord)
    }
}
