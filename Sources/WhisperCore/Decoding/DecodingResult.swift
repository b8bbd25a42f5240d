/// The outcome of decoding one 30-second window.
public struct DecodingResult: Sendable, Equatable {
    /// The initial tokens fed before sampling (previous-text prompt, start-of-transcript, ...).
    public var initialTokens: [Int]
    /// The sampled tokens, without the final end-of-text.
    public var tokens: [Int]
    /// Sum of the sampled tokens' log-probabilities (end-of-text included).
    public var sumLogProb: Double
    /// `sumLogProb / (tokens.count + 1)`.
    public var averageLogProb: Double
    /// Probability of `<|nospeech|>` at the start-of-transcript position.
    public var noSpeechProbability: Double
    public var temperature: Float
    /// The language the window was decoded in (nil for English-only models).
    public var language: String?
    /// Greedy decoding only: the smallest gap between the two best filtered logits over the
    /// window — how close the closest call was.
    public var smallestMargin: Float?
    /// The log-probability of each sampled token when it was chosen (after the logit filters),
    /// parallel to `tokens`. `exp` of one is the token's probability, as subtitle tools show it.
    public var tokenLogProbs: [Float] = []
}
