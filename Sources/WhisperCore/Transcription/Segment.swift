/// A stretch of the recording and what was said in it.
public struct Segment: Sendable, Equatable {
    /// Start and end, in seconds from the beginning of the recording.
    public var start: Double
    public var end: Double
    public var text: String
    /// The segment's tokens, timestamp tokens included.
    public var tokens: [Int]
    /// The probability of each token in `tokens` when the decoder chose it (empty if unknown).
    public var tokenProbabilities: [Float]
    /// Statistics of the window the segment came from.
    public var averageLogProb: Double
    public var noSpeechProbability: Double
    public var temperature: Float
    public var compressionRatio: Double
    /// The words and their times, when word timestamps were asked for (`TranscriptionOptions.wordTimestamps`).
    public var words: [WordTiming]?

    public init(start: Double, end: Double, text: String, tokens: [Int], tokenProbabilities: [Float] = [],
                averageLogProb: Double = 0, noSpeechProbability: Double = 0, temperature: Float = 0,
                compressionRatio: Double = 0) {
        self.start = start
        self.end = end
        self.text = text
        self.tokens = tokens
        self.tokenProbabilities = tokenProbabilities
        self.averageLogProb = averageLogProb
        self.noSpeechProbability = noSpeechProbability
        self.temperature = temperature
        self.compressionRatio = compressionRatio
    }
}

/// One decoded 30-second window: what the decoder chose there (`result.tokens`, their
/// `result.tokenLogProbs`, …), for diagnostics, replay tests and `TranscriptionControl.onWindow`.
public struct WindowRecord: Sendable, Equatable {
    /// Where the window started, in 10 ms mel frames from the start of the transcribed audio.
    public var seek: Int
    /// Where the window started, in seconds from the start of the recording.
    public var start: Double
    public var result: DecodingResult
}

/// Everything a transcription produced.
public struct TranscriptionResult: Sendable {
    public var segments: [Segment]
    public var windows: [WindowRecord]
    /// The language transcribed (detected or given); nil for English-only models.
    public var language: String?
    public var timings: Timings

    /// The transcript as one string.
    public var text: String { segments.map({ $0.text }).joined() }
}

/// Where the time went, in seconds.
public struct Timings: Sendable, Equatable {
    /// Voice activity detection (model loading included).
    public var vad: Double = 0
    public var mel: Double = 0
    public var encode: Double = 0
    public var decode: Double = 0
    /// Word alignment (with word timestamps on).
    public var alignment: Double = 0
    public var decodedTokens: Int = 0
    public var windows: Int = 0

    public init() {}
}

#if !hasFeature(Embedded)
// Codable needs runtime reflection, which Embedded Swift does not have.
extension Segment: Codable {}
#endif
