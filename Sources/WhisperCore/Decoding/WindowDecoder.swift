/// Decodes one 30-second window of audio features into tokens, following OpenAI's `DecodingTask`:
/// build the initial tokens, run the decoder over them, read the no-speech probability at the
/// start-of-transcript position, then sample with the logit filters applied at every step.
public final class WindowDecoder: @unchecked Sendable {
    public let decoder: TextDecoder
    public let tokenizer: Tokenizer
    public let executor: ParallelExecutor
    private var cache: KeyValueCache
    private let nonSpeechTokens: [Int]
    private let blankTokens: [Int]
    /// The model file, for messages.
    public var modelPath = "the model"
    /// Where `decode`'s passes run when not on `decoder` (transcriptions side by side).
    package var passRunner: (any DecoderPassRunner)?

    public init(decoder: TextDecoder, tokenizer: Tokenizer, executor: ParallelExecutor) throws(AllocationError) {
        self.decoder = decoder
        self.tokenizer = tokenizer
        self.executor = executor
        cache = try decoder.makeCache(slots: 1)
        nonSpeechTokens = tokenizer.nonSpeechTokens()
        blankTokens = tokenizer.blankTokens()
    }

    var specials: SpecialTokens { tokenizer.specialTokens }

    /// `<|startoftranscript|>`, then for multilingual models the language and task, then
    /// `<|notimestamps|>` when timestamps are off.
    public func startSequence(options: DecodingOptions, language: String?) -> [Int] {
        var tokens = [specials.startOfTranscript]
        if specials.isMultilingual {
            let lang = language.flatMap(Language.find).flatMap(specials.token(for:))
                ?? specials.token(for: Language.find("en")!)!
            tokens.append(lang)
            tokens.append(options.task == .translate ? specials.translate : specials.transcribe)
        }
        if options.withoutTimestamps { tokens.append(specials.noTimestamps) }
        return tokens
    }

    /// The previous-text prompt (`<|startofprev|>` and at most `nTextCtx / 2 − 1` tokens), then the start sequence.
    public func initialTokens(prompt: [Int], options: DecodingOptions, language: String?) -> [Int] {
        var tokens: [Int] = []
        if !prompt.isEmpty {
            tokens = [specials.startOfPrevious] + prompt.suffix(decoder.contextLength / 2 - 1)
        }
        return tokens + startSequence(options: options, language: language)
    }

    /// The filters applied to every step's logits, in OpenAI's order.
    public func logitFilters(options: DecodingOptions) -> [WhisperLogitFilter] {
        var filters: [WhisperLogitFilter] = []
        if options.suppressBlank { filters.append(.suppressBlank(SuppressBlank(blankTokens: blankTokens))) }
        var suppressed = Set(options.suppressTokens)
        if options.suppressNonSpeechTokens {
            suppressed.formUnion(nonSpeechTokens)
        }
        suppressed.formUnion([specials.transcribe, specials.translate, specials.startOfTranscript,
                              specials.startOfPrevious, specials.startOfLM, specials.noSpeech])
        filters.append(.suppressTokens(SuppressTokens(suppressed.sorted())))
        if !options.withoutTimestamps {
            // Timestamps are 0.02 s apart for a 1500-frame encoder context.
            let precision = 30.0 / Double(decoder.hyperparameters.nAudioCtx)
            let maxIndex = Int((options.maxInitialTimestamp / precision).rounded())
            filters.append(.timestampRules(TimestampRules(specials: specials, maxInitialTimestampIndex: maxIndex)))
        }
        return filters
    }

    /// Decodes one window whose cross-attention keys/values are `cross`. Throws `AllocationError`
    /// when the key/value cache for the beams or candidates cannot fit in memory.
    public func decode(cross: CrossAttentionCache, prompt: [Int], options: DecodingOptions,
                       language: String?) throws(WhisperError) -> DecodingResult {
        let initial = initialTokens(prompt: prompt, options: options, language: language)
        let sotIndex = initial.firstIndex(of: specials.startOfTranscript) ?? 0
        let candidates: Int
        if options.temperature == 0 {
            candidates = max(1, options.beamSize ?? 1)
        } else {
            candidates = max(1, options.bestOf ?? 1)
        }
        if cache.slots < candidates { cache = try WhisperError.allocating { () throws(AllocationError) in try decoder.makeCache(slots: candidates) } }
        cache.reset()
        passRunner?.join()
        defer { passRunner?.leave() }

        // The initial tokens once, in slot 0; logits at start-of-transcript and at the last token.
        let firstStep = [TextDecoder.Step(slot: 0, tokens: initial, logitRows: [sotIndex, initial.count - 1])]
        let first = passRunner?.run(firstStep, cache: cache, cross: cross)
            ?? decoder.decode(firstStep, cache: cache, cross: cross, executor: executor)
        let (noSpeech, lastLogits) = try readFirstPass(first)

        let context = SamplingContext(decoder: decoder, cache: cache, cross: cross, executor: executor, runner: passRunner,
                                      filters: logitFilters(options: options), specials: specials,
                                      initialTokens: initial,
                                      sampleLength: options.sampleLength ?? decoder.contextLength / 2,
                                      control: options.control)
        var result: DecodingResult
        if options.temperature == 0, candidates > 1 {
            result = BeamSearchDecoder(beamSize: candidates, patience: options.patience)
                .decode(context: context, firstLogits: lastLogits)
        } else {
            result = TokenSampler(temperature: options.temperature, candidates: candidates, seed: options.seed)
                .decode(context: context, firstLogits: lastLogits)
        }
        if options.control?.isCancelled == true { throw .cancelled }
        result.noSpeechProbability = noSpeech[0]
        result.temperature = options.temperature
        result.language = specials.isMultilingual ? language : nil
        return result
    }

    /// The key/value cache of `decodeTogether`, a slot per window and beam; made on first use.
    private var batchCache: KeyValueCache?

    /// Decodes several windows at once, without a previous-text prompt (batched transcription):
    /// window `i` attends to `crosses[i]`, and every decoder step serves all windows. Greedy
    /// (`BatchedGreedyDecoder`), or beam search with `options.beamSize` above 1 (`BatchedBeamSearch`);
    /// either way each window gets the tokens it would get decoded alone. One result per window, in
    /// order; `options.temperature` and `bestOf` are not used (the decoding is at temperature 0).
    package func decodeTogether(crosses: [CrossAttentionCache], options: DecodingOptions,
                                language: String?) throws(WhisperError) -> [DecodingResult] {
        guard !crosses.isEmpty else { return [] }
        let beams = max(1, options.beamSize ?? 1)
        let initial = initialTokens(prompt: [], options: options, language: language)
        let sotIndex = initial.firstIndex(of: specials.startOfTranscript) ?? 0
        let cache: KeyValueCache
        if let made = batchCache, made.slots >= crosses.count * beams {
            cache = made
        } else {
            batchCache = nil                                  // its memory goes before the larger one is made
            cache = try WhisperError.allocating { () throws(AllocationError) in try decoder.makeCache(slots: crosses.count * beams) }
            batchCache = cache
        }
        cache.reset()
        // Window i's beams: slots i·beams ..< (i+1)·beams.
        var crossBySlot: [CrossAttentionCache] = []
        for cross in crosses { crossBySlot += repeatElement(cross, count: beams) }

        // The initial tokens in each window's first slot; logits at start-of-transcript and at the last token.
        let steps = crosses.indices.map { TextDecoder.Step(slot: $0 * beams, tokens: initial, logitRows: [sotIndex, initial.count - 1]) }
        let (noSpeech, lastLogits) = try readFirstPass(decoder.decode(steps, cache: cache, crossBySlot: crossBySlot,
                                                                      executor: executor))
        let filters = logitFilters(options: options)
        let sampleLength = options.sampleLength ?? decoder.contextLength / 2
        var results: [DecodingResult]
        if beams > 1 {
            results = BatchedBeamSearch(decoder: decoder, cache: cache, crossBySlot: crossBySlot, executor: executor, filters: filters,
                                        specials: specials, initialTokens: initial, sampleLength: sampleLength, beamSize: beams,
                                        patience: options.patience, control: options.control).decode(firstLogits: lastLogits)
        } else {
            results = BatchedGreedyDecoder(decoder: decoder, cache: cache, crosses: crosses, executor: executor, filters: filters,
                                           specials: specials, initialTokens: initial, sampleLength: sampleLength,
                                           control: options.control).decode(firstLogits: lastLogits)
        }
        if options.control?.isCancelled == true { throw .cancelled }
        for i in results.indices {
            results[i].noSpeechProbability = noSpeech[i]
            results[i].language = specials.isMultilingual ? language : nil
        }
        return results
    }

    /// The logits of the initial tokens' pass, two rows per window (at start-of-transcript and at
    /// the last initial token): each window's no-speech probability and its last row.
    private func readFirstPass(_ first: UnsafeBufferPointer<Float>) throws(WhisperError) -> (noSpeech: [Double], lastLogits: [Float]) {
        // Weights holding NaN or infinities poison every value after them; say so rather than print "!!!!".
        if first.contains(where: { !$0.isFinite }) { throw .modelOutput(ModelOutputError(model: modelPath)) }
        let nVocab = specials.vocabularySize
        let windows = first.count / (2 * nVocab)
        var noSpeech: [Double] = [], lastLogits: [Float] = []
        lastLogits.reserveCapacity(windows * nVocab)
        for i in 0..<windows {
            noSpeech.append(noSpeechProbability(UnsafeBufferPointer(rebasing: first[(2 * i * nVocab)..<((2 * i + 1) * nVocab)])))
            lastLogits.append(contentsOf: first[((2 * i + 1) * nVocab)..<((2 * i + 2) * nVocab)])
        }
        return (noSpeech, lastLogits)
    }

    private func noSpeechProbability(_ logits: UnsafeBufferPointer<Float>) -> Double {
        let normalizer = logSumExp(logits)
        return ScalarMath.exp(Double(logits[specials.noSpeech] - normalizer))
    }
}

/// The network computed NaN or infinite values: the model's weights hold some.
public struct ModelOutputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The model file.
    public let model: String

    public var description: String {
        "\(model): the model computes NaN or infinite values: its weights hold NaN or infinite numbers "
            + "(`whisper-cli model-info` names the tensors); the model file is damaged"
    }
}

/// What a token-choosing strategy needs to run the decoder step by step.
struct SamplingContext {
    let decoder: TextDecoder
    let cache: KeyValueCache
    let cross: CrossAttentionCache
    let executor: ParallelExecutor
    /// Runs the steps instead of `decoder` when set (see `WindowDecoder.passRunner`).
    var runner: (any DecoderPassRunner)? = nil
    let filters: [WhisperLogitFilter]
    let specials: SpecialTokens
    let initialTokens: [Int]
    let sampleLength: Int
    /// Checked between tokens: a cancelled decoding stops (the window decoder then throws).
    var control: TranscriptionControl? = nil

    var sampleBegin: Int { initialTokens.count }

    /// Applies the logit filters to one row, in place.
    func filter(_ logits: UnsafeMutableBufferPointer<Float>, tokens: [Int]) {
        for f in filters { f.apply(to: logits, tokens: tokens, sampleBegin: sampleBegin) }
    }

    /// Feeds one token to each listed slot and returns their logits, one row per slot in order.
    func step(_ tokens: [(slot: Int, token: Int)]) -> UnsafeBufferPointer<Float> {
        guard let runner else { return decoder.decodeNext(tokens, cache: cache, cross: cross, executor: executor) }
        return runner.run(tokens.map { TextDecoder.Step(slot: $0.slot, tokens: [$0.token]) }, cache: cache, cross: cross)
    }
}
