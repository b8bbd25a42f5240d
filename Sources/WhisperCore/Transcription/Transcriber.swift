/// Transcribes recordings of any length with a loaded model: OpenAI's `transcribe()` seek loop.
///
/// The log-mel spectrogram of the whole recording is cut into 30-second windows (read one at a time
/// from a `MelWindowSource`: in memory, or spooled to a temporary file for long recordings). Each window is
/// encoded once and decoded (retrying at higher temperatures while the result looks wrong); its
/// tokens are cut into segments at consecutive timestamp pairs, and the next window starts where the
/// last complete segment ended. The text so far is the next window's prompt.
///
/// Calls from several threads on one transcriber are safe and run one at a time (they share its
/// network's buffers); for transcriptions in parallel, make one transcriber per thread over the
/// same `WhisperModel` (the weights are shared). The thread count is the one given at `init`.
public final class Transcriber: @unchecked Sendable {
    public let model: WhisperModel
    public let tokenizer: Tokenizer
    /// The encoder and decoder, with their buffers (this transcriber's own).
    public let network: WhisperNetwork
    public var encoder: AudioEncoder { network.encoder }
    public var decoder: TextDecoder { network.decoder }
    public let executor: ParallelExecutor
    let windowDecoder: WindowDecoder
    /// Serializes use of the network: concurrent calls on one transcriber wait for each other
    /// (recursive: the seek loop detects the language through `detectLanguage(in:)`).
    let networkLock: (any HostLock)? = Host.system?.makeLock()
    /// The key/value cache of word alignment's pass, made on first use.
    private var alignmentKeyValues: KeyValueCache?

    private func alignmentCache() throws(AllocationError) -> KeyValueCache {
        if let cache = alignmentKeyValues { return cache }
        let cache = try decoder.makeCache(slots: 1)
        alignmentKeyValues = cache
        return cache
    }

    public static let sampleRate = WhisperAudio.sampleRate
    /// Samples between mel frames (10 ms).
    public static let hopLength = WhisperAudio.hopLength
    public static let windowFrames = WhisperAudio.framesPerWindow

    /// A transcriber whose loops run on `executor` (one thread by default; `WhisperPlatform` adds
    /// `init(model:threads:)` with its thread pool).
    public convenience init(model: WhisperModel, executor: ParallelExecutor = .serial) throws(AllocationError) {
        try self.init(model: model, network: WhisperNetwork(weights: model.weights, hyperparameters: model.hyperparameters),
                      executor: executor)
    }

    /// A transcriber over a network made for it (see `SharedDecoderSteps`).
    package init(model: WhisperModel, network: WhisperNetwork, executor: ParallelExecutor) throws(AllocationError) {
        self.model = model
        tokenizer = model.tokenizer
        self.network = network
        self.executor = executor
        windowDecoder = try WindowDecoder(decoder: network.decoder, tokenizer: tokenizer, executor: executor)
        windowDecoder.modelPath = model.path
    }

    /// Runs this transcriber's window decoding in `runner`'s steps (transcriptions side by side).
    package func shareDecoderSteps(_ runner: any DecoderPassRunner) {
        windowDecoder.passRunner = runner
    }

    /// Transcribes 16 kHz mono samples. `onSegment` receives each segment as soon as its window is decoded.
    /// With `options.vad`, only the detected speech is transcribed (see `transcribeSpeechOnly`).
    public func transcribe(samples: [Float], options: TranscriptionOptions = TranscriptionOptions(),
                           onSegment: ((Segment) -> Void)? = nil) throws(WhisperError) -> TranscriptionResult {
        if options.batchSize > 1 {
            return try transcribeInBatches(samples: samples, options: options, onSegment: onSegment)
        }
        if let vad = options.vad {
            return try transcribeSpeechOnly(samples: samples, options: options, vad: vad, onSegment: onSegment)
        }
        var timings = Timings()
        // Offset and duration select part of the recording; times stay relative to its start.
        let selected = SampleSelection(options: options).range(in: samples.count)
        let clock = Host.seconds()
        let mel = try melFrontEnd().compute(samples: Array(samples[selected]), executor: executor)
        timings.mel = Host.seconds() - clock
        return try transcribe(windows: mel, startTime: Double(selected.lowerBound) / Double(Self.sampleRate),
                              timings: timings, options: options, onSegment: onSegment)
    }

    /// The seek loop over the spectrogram of the selected audio, which starts `startTime` seconds
    /// into the recording.
    package func transcribe(windows mel: some MelWindowSource, startTime baseTime: Double, timings: Timings,
                    options: TranscriptionOptions, onSegment: ((Segment) -> Void)?) throws(WhisperError) -> TranscriptionResult {
        // The encoder's and decoder's buffers and caches are this transcriber's: one call at a time.
        networkLock?.lock()
        defer { networkLock?.unlock() }
        var timings = timings
        let h = model.hyperparameters
        let specials = tokenizer.specialTokens
        let contentFrames = mel.contentFrames
        var clock = Host.seconds()

        let inputStride = Self.windowFrames / h.nAudioCtx            // mel frames per encoder frame: 2
        let timePrecision = Double(inputStride * Self.hopLength) / Double(Self.sampleRate)  // 0.02 s
        var seek = 0
        // The text so far, as far as a prompt can use it (bounded: the decoder keeps nTextCtx/2 − 1 tokens).
        var history = PromptHistory(capacity: h.nTextCtx / 2)
        if let prompt = options.initialPrompt?.trimmingWhitespace(keepingNewlines: true), !prompt.isEmpty {
            history.append(tokenizer.encode(" " + prompt))
        }
        var segments: [Segment] = []
        var windows: [WindowRecord] = []
        var windowIndex = 0
        var language = specials.isMultilingual ? options.decoding.language : nil
        if specials.isMultilingual, language == nil {
            // Detected once, on the first 30 s of the spectrogram, as OpenAI's transcribe() does.
            clock = Host.seconds()
            language = try detectLanguage(in: mel).first?.language.code
            timings.decode += Host.seconds() - clock
        }
        var window = [Float](repeating: 0, count: h.nMels * Self.windowFrames)
        var lastSpeechTimestamp = 0.0

        let control = options.control
        while seek < contentFrames {
            if control?.isCancelled == true { throw .cancelled }
            if windowIndex > 0 { control?.onProgress?(Double(seek) / Double(contentFrames)) }
            let previousSeek = seek
            let timeOffset = Double(seek * Self.hopLength) / Double(Self.sampleRate)
            let size = min(Self.windowFrames, contentFrames - seek)
            // The window's frames, zero-padded to 30 s.
            clock = Host.seconds()
            try WhisperError.readingAudio { () throws(AudioError) in
                try window.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) in
                    try mel.readWindow(start: seek, count: size, into: buffer)
                }
            }
            timings.mel += Host.seconds() - clock
            clock = Host.seconds()
            let cross = try WhisperError.allocating { () throws(AllocationError) in
                try window.withUnsafeBufferPointer { (mel) throws(AllocationError) in try network.encodeWindow(mel, executor: executor) }
            }
            timings.encode += Host.seconds() - clock

            clock = Host.seconds()
            var prompt = history.prompt
            if let maxContext = options.maxTextContext { prompt = Array(prompt.suffix(max(0, maxContext))) }
            let result = try decodeWithFallback(cross: cross, prompt: prompt, options: options, language: language,
                                                windowIndex: windowIndex)
            timings.decode += Host.seconds() - clock
            timings.decodedTokens += result.tokens.count + 1
            timings.windows += 1
            windowIndex += 1
            let record = WindowRecord(seek: seek, start: baseTime + timeOffset, result: result)
            if options.collectsSegments { windows.append(record) }
            control?.onWindow?(record)

            // Silence: skip the window.
            if isSilent(result, options: options) {
                seek += size
                continue
            }

            let cut = WindowSegmentation(tokens: result.tokens, specials: specials, size: size, timePrecision: timePrecision,
                                         inputStride: inputStride)
            var current = windowSegments(of: result, cut.pieces.map {
                (range: $0.range, start: baseTime + (timeOffset + $0.start), end: baseTime + (timeOffset + $0.end))
            })
            let singleTimestampEnding = cut.singleTimestampEnding
            seek += cut.advance

            if options.wordTimestamps {
                clock = Host.seconds()
                try alignWords(&current, cross: cross, frames: size, windowStart: baseTime + timeOffset,
                               lastSpeechTimestamp: lastSpeechTimestamp, options: options, language: language)
                // OpenAI resumes after the last word (unless the window ended on a single timestamp).
                if !singleTimestampEnding, let lastWordEnd = WordTimestamps.end(of: current), lastWordEnd > baseTime + timeOffset {
                    seek = Int(((lastWordEnd - baseTime) * 100).rounded(.toNearestOrEven))
                }
                if let threshold = options.hallucinationSilenceThreshold {
                    let keep = HallucinationSkip(threshold: threshold).apply(
                        to: &current, seek: &seek, baseTime: baseTime, timeOffset: baseTime + timeOffset,
                        previousSeek: previousSeek, size: size, contentFrames: contentFrames,
                        singleTimestampEnding: singleTimestampEnding, lastSpeechTimestamp: lastSpeechTimestamp)
                    if !keep {
                        timings.alignment += Host.seconds() - clock
                        continue
                    }
                }
                if let lastWordEnd = WordTimestamps.end(of: current) { lastSpeechTimestamp = lastWordEnd }
                timings.alignment += Host.seconds() - clock
            }

            for var segment in current {
                // Times come from timestamp tokens, never before the window; only without the timestamp
                // rules can a piece start with a text token, whose "time" would be far negative.
                segment.start = max(segment.start, baseTime + timeOffset)
                segment.end = max(segment.end, segment.start)
                // Empty or zero-length segments keep their place but carry no text or tokens.
                if segment.start == segment.end || segment.text.trimmingWhitespace().isEmpty {
                    segment.text = ""
                    segment.tokens = []
                    segment.tokenProbabilities = []
                    if segment.words != nil { segment.words = [] }
                }
                if options.collectsSegments { segments.append(segment) }
                history.append(segment.tokens)
                if !segment.text.isEmpty { onSegment?(segment) }
            }
            if !options.conditionOnPreviousText || result.temperature > 0.5 {
                history.reset()
            }
        }
        control?.onProgress?(1)
        return TranscriptionResult(segments: segments.filter { !$0.text.isEmpty }, windows: windows,
                                   language: language, timings: timings)
    }

    /// The spoken language of the first 30 seconds (after `options.offset`), most likely first.
    /// Empty for English-only models.
    public func detectLanguage(samples: [Float], options: TranscriptionOptions = TranscriptionOptions())
        throws(WhisperError) -> [(language: Language, probability: Double)] {
        let specials = tokenizer.specialTokens
        guard specials.isMultilingual else { return [] }
        let first = SampleSelection(options: options).range(in: samples.count).lowerBound
        let clip = Array(samples[first..<min(samples.count, first + Self.windowFrames * Self.hopLength)])
        let mel = try melFrontEnd().compute(samples: clip, executor: executor)
        return try detectLanguage(in: mel)
    }

    /// Language probabilities from the first 3000 frames of a padded spectrogram (not zero-filled:
    /// a short recording's frames are followed by those of the appended silence), as OpenAI does.
    func detectLanguage(in mel: some MelWindowSource) throws(WhisperError) -> [(language: Language, probability: Double)] {
        networkLock?.lock()
        defer { networkLock?.unlock() }
        var window = [Float](repeating: 0, count: mel.melCount * Self.windowFrames)
        try WhisperError.readingAudio { () throws(AudioError) in
            try window.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) in
                try mel.readWindow(start: 0, count: Self.windowFrames, into: buffer)
            }
        }
        return try WhisperError.allocating { () throws(AllocationError) in
            let cross = try window.withUnsafeBufferPointer { (mel) throws(AllocationError) in
                try network.encodeWindow(mel, executor: executor)
            }
            return try LanguageDetector(decoder: decoder, specials: tokenizer.specialTokens, executor: executor).detect(cross: cross)
        }
    }

    /// Decodes a window at the first temperature whose result passes the checks.
    func decodeWithFallback(cross: CrossAttentionCache, prompt: [Int], options: TranscriptionOptions,
                                    language: String?, windowIndex: Int) throws(WhisperError) -> DecodingResult {
        let temperatures = options.temperatures.isEmpty ? [0] : options.temperatures
        var result: DecodingResult?
        for (attempt, temperature) in temperatures.enumerated() {
            var decoding = options.decoding
            decoding.temperature = temperature
            if temperature > 0 {
                decoding.beamSize = nil
            } else {
                decoding.bestOf = nil
            }
            // A distinct, reproducible stream of random numbers for each window and attempt.
            decoding.seed = options.decoding.seed &+ UInt64(windowIndex) &* 1_000_003 &+ UInt64(attempt)
            decoding.control = options.control
            let r = try windowDecoder.decode(cross: cross, prompt: prompt, options: decoding, language: language)
            result = r
            if !needsFallback(r, options: options) { break }
        }
        return result!
    }

    /// A decoded window's segments: for each piece, a range of its tokens and the times, the
    /// piece's text and token probabilities with the window's figures.
    func windowSegments(of result: DecodingResult, _ pieces: [(range: Range<Int>, start: Double, end: Double)]) -> [Segment] {
        let tokens = result.tokens
        let ratio = CompressionRatio.of(tokenizer.decode(tokens))
        let probabilities = result.tokenLogProbs.map { Float(ScalarMath.exp(Double($0))) }
        return pieces.map { piece in
            Segment(start: piece.start, end: piece.end, text: tokenizer.decode(tokens[piece.range]), tokens: Array(tokens[piece.range]),
                    tokenProbabilities: probabilities.count == tokens.count ? Array(probabilities[piece.range]) : [],
                    averageLogProb: result.averageLogProb, noSpeechProbability: result.noSpeechProbability,
                    temperature: result.temperature, compressionRatio: ratio)
        }
    }

    /// The log-mel front end of this model.
    func melFrontEnd() throws(WhisperError) -> LogMelSpectrogram {
        try WhisperError.readingAudio { () throws(AudioError) in
            try LogMelSpectrogram(filters: model.file.melFilters.weights, melCount: model.hyperparameters.nMels)
        }
    }

    /// The result looks wrong (repetitive or improbable) and is not silence: decode again, hotter.
    func needsFallback(_ r: DecodingResult, options: TranscriptionOptions) -> Bool {
        var needsFallback = false
        if let threshold = options.compressionRatioThreshold,
           CompressionRatio.of(tokenizer.decode(r.tokens)) > threshold {
            needsFallback = true
        }
        if let threshold = options.logProbThreshold, r.averageLogProb < threshold {
            needsFallback = true
        }
        if let threshold = options.noSpeechThreshold, r.noSpeechProbability > threshold,
           let lp = options.logProbThreshold, r.averageLogProb < lp {
            needsFallback = false   // silence: no point trying harder
        }
        return needsFallback
    }

    /// The window holds no speech: likely no speech, and not a confident text.
    func isSilent(_ result: DecodingResult, options: TranscriptionOptions) -> Bool {
        guard let threshold = options.noSpeechThreshold, result.noSpeechProbability > threshold else { return false }
        return !(options.logProbThreshold.map { result.averageLogProb > $0 } ?? false)
    }

    /// Word timings for a window's segments (`windowStart` seconds into the recording, `frames` mel
    /// frames of audio): the decoder's attention aligned with the audio, then OpenAI's merging rules.
    func alignWords(_ current: inout [Segment], cross: CrossAttentionCache, frames: Int, windowStart: Double,
                    lastSpeechTimestamp: Double, options: TranscriptionOptions, language: String?) throws(WhisperError) {
        let specials = tokenizer.specialTokens
        var textTokens: [Int] = [], textProbabilities: [Double] = []
        for segment in current {
            for (i, token) in segment.tokens.enumerated() where token < specials.endOfText {
                textTokens.append(token)
                textProbabilities.append(i < segment.tokenProbabilities.count ? Double(segment.tokenProbabilities[i]) : 0)
            }
        }
        let startSequence = windowDecoder.startSequence(options: options.decoding, language: language)
            .filter { $0 != specials.noTimestamps }
        let heads = options.alignmentHeads.resolve(model.hyperparameters)
        let alignment = try WhisperError.allocating { () throws(AllocationError) in
            try WordAlignment.align(
                textTokens: textTokens, probabilities: textProbabilities, startSequence: startSequence, frameCount: frames,
                decoder: decoder, cross: cross, cache: try alignmentCache(), heads: heads, tokenizer: tokenizer, executor: executor)
        }
        WordTimestamps.apply(to: &current, alignment: alignment, windowStart: windowStart,
                             lastSpeechTimestamp: lastSpeechTimestamp, prepended: options.prependPunctuations,
                             appended: options.appendPunctuations, eot: specials.endOfText)
    }
}
