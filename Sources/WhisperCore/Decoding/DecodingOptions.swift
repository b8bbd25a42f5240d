/// What the model is asked to do with the audio.
public enum DecodingTask: String, Sendable {
    /// Write down what is said, in the spoken language.
    case transcribe
    /// Write it down in English.
    case translate
}

/// How one 30-second window is decoded (OpenAI's `DecodingOptions`).
public struct DecodingOptions: Sendable, Equatable {
    /// Stops the decoding between tokens when cancelled (the transcriber passes its own).
    public var control: TranscriptionControl? = nil
    public var task: DecodingTask = .transcribe
    /// A language code (`"en"`, `"de"`); nil to detect it (multilingual models only).
    public var language: String? = "en"
    /// 0 picks the most likely token; above 0 samples from the softened distribution.
    public var temperature: Float = 0
    /// Beams for beam search at temperature 0; nil or 1 decodes greedily.
    public var beamSize: Int? = nil
    /// Beam search stops once `round(beamSize · patience)` sequences have finished.
    public var patience: Float = 1
    /// Independent samples to draw at temperature > 0, of which the most likely is kept.
    public var bestOf: Int? = nil
    /// Maximum number of tokens to sample (default: half the text context, 224).
    public var sampleLength: Int? = nil
    /// Suppress the blank and end-of-text tokens as the first sampled token.
    public var suppressBlank = true
    /// Suppress OpenAI's non-speech symbols (`suppress_tokens = "-1"`) and the special tokens.
    public var suppressNonSpeechTokens = true
    /// Extra token ids never to produce.
    public var suppressTokens: [Int] = []
    /// Decode text only, without timestamp tokens.
    public var withoutTimestamps = false
    /// The first timestamp may be at most this many seconds into the window.
    public var maxInitialTimestamp: Double = 1.0
    /// Seed of the random number generator used when sampling.
    public var seed: UInt64 = 0

    public init() {}
}
