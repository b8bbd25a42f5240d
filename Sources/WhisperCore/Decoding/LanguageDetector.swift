/// Finds the spoken language of a window (multilingual models): the decoder's distribution over
/// the language tokens right after `<|startoftranscript|>`.
public struct LanguageDetector {
    public let decoder: TextDecoder
    public let specials: SpecialTokens
    public let executor: ParallelExecutor

    public init(decoder: TextDecoder, specials: SpecialTokens, executor: ParallelExecutor) {
        self.decoder = decoder
        self.specials = specials
        self.executor = executor
    }

    /// Languages with their probabilities, most likely first (empty for English-only models).
    public func detect(cross: CrossAttentionCache) throws(AllocationError) -> [(language: Language, probability: Double)] {
        guard specials.isMultilingual else { return [] }
        let cache = try decoder.makeCache(slots: 1)
        let logits = decoder.decode([.init(slot: 0, tokens: [specials.startOfTranscript])], cache: cache,
                                    cross: cross, executor: executor)
        let range = specials.languageTokens
        let normalizer = logSumExp(UnsafeBufferPointer(rebasing: logits[range]))
        var result: [(language: Language, probability: Double)] = []
        for token in range {
            guard let language = specials.language(of: token) else { continue }
            result.append((language, ScalarMath.exp(Double(logits[token] - normalizer))))
        }
        // Stable: equal probabilities keep the token order.
        return result.enumerated().sorted {
            $0.element.probability != $1.element.probability ? $0.element.probability > $1.element.probability : $0.offset < $1.offset
        }.map({ $0.element })
    }
}
