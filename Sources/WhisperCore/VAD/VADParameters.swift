/// How speech probabilities become speech segments, and how speech is packed for transcription.
/// The defaults are whisper.cpp's (and Silero's): `-vt 0.5 -vspd 250 -vsd 100 -vp 30 -vo 0.1`.
public struct VADParameters: Sendable, Equatable {
    /// A window is speech when its probability is at least this. Speech ends once the
    /// probability falls below `threshold - 0.15` (at least 0.01) for `minSilenceDuration`.
    public var threshold: Float = 0.5
    /// Shorter stretches of speech are dropped, in seconds.
    public var minSpeechDuration: Double = 0.25
    /// Silence must last this long to end a segment, in seconds.
    public var minSilenceDuration: Double = 0.1
    /// Longer speech is split (at a silence of at least 98 ms if there is one), in seconds;
    /// `.infinity` for no limit.
    public var maxSpeechDuration: Double = .infinity
    /// Padding added at both ends of each segment, in seconds.
    public var speechPad: Double = 0.03
    /// For transcription: audio after each segment's end (but the last) kept as overlap, in seconds.
    public var samplesOverlap: Double = 0.1

    public init(threshold: Float = 0.5, minSpeechDuration: Double = 0.25, minSilenceDuration: Double = 0.1,
                maxSpeechDuration: Double = .infinity, speechPad: Double = 0.03, samplesOverlap: Double = 0.1) {
        self.threshold = threshold
        self.minSpeechDuration = minSpeechDuration
        self.minSilenceDuration = minSilenceDuration
        self.maxSpeechDuration = maxSpeechDuration
        self.speechPad = speechPad
        self.samplesOverlap = samplesOverlap
    }
}
