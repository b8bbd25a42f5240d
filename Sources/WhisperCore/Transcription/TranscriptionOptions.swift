/// How a whole recording is transcribed (OpenAI's `transcribe()` arguments, whisper.cpp's options).
public struct TranscriptionOptions: Sendable, Equatable {
    /// Per-window decoding: language, task, beam size, best-of, timestamps, suppression.
    public var decoding = DecodingOptions()
    /// Temperatures tried in turn while a window's result looks wrong (repetitive or improbable).
    /// A single `[0]` disables the fallback.
    public var temperatures: [Float] = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    /// A window whose text compresses better than this (gzip ratio) is decoded again, hotter.
    public var compressionRatioThreshold: Double? = 2.4
    /// A window whose average token log-probability is below this is decoded again, hotter.
    public var logProbThreshold: Double? = -1.0
    /// A window whose no-speech probability is above this (and log-probability low) is silence: skipped.
    public var noSpeechThreshold: Double? = 0.6
    /// Feed the previous window's text as a prompt to the next.
    public var conditionOnPreviousText = true
    /// Text to prime the first window with (names, spelling, style).
    public var initialPrompt: String? = nil
    /// At most this many previous-text tokens in a prompt (whisper.cpp's `-mc`); nil: half the context.
    public var maxTextContext: Int? = nil
    /// Start transcribing this far into the audio, in seconds.
    public var offset: Double = 0
    /// Transcribe at most this much audio, in seconds (nil: to the end).
    public var duration: Double? = nil
    /// Keep every segment (and window record) in the returned `TranscriptionResult`. Set it to false
    /// when `onSegment` is all you need: the result then stays empty, so nothing grows with the
    /// recording's length.
    public var collectsSegments = true
    /// Word-level timestamps (OpenAI's `word_timestamps`): each segment gets its `words`, found by
    /// aligning the decoder's attention with the audio; segment times then follow the words, and the
    /// seek loop resumes after the last word.
    public var wordTimestamps = false
    /// The decoder heads word timing follows (default: the published heads of the model's size).
    public var alignmentHeads = AlignmentHeadSelection.published
    /// With word timestamps: punctuation merged into the next word / into the previous one.
    public var prependPunctuations = WordTimestamps.prependPunctuations
    public var appendPunctuations = WordTimestamps.appendPunctuations
    /// With word timestamps: OpenAI's `hallucination_silence_threshold`, in seconds. Text that looks
    /// hallucinated (unlikely, too short or too long words) between silences longer than this is
    /// dropped and the silence before it skipped (nil: off).
    public var hallucinationSilenceThreshold: Double? = nil
    /// Voice activity detection: transcribe only the speech it finds (nil: the whole recording).
    public var vad: VADOptions? = nil
    /// Above 1: batched transcription, for throughput. The speech the voice activity detector
    /// finds (`vad`, or its default model location when nil) is cut at pauses into chunks of at most
    /// 30 s, and this many chunks are decoded together (greedily, or by beam search with
    /// `decoding.beamSize`), without previous-text prompts (`conditionOnPreviousText` and
    /// `initialPrompt` do not apply; the temperature fallback does, chunk by chunk; speech after a
    /// chunk's last timestamp is decoded again as the chunk's rest, as the seek loop would go on
    /// from there). Faster on many
    /// windows; sequential transcription (1) keeps the text's context from window to window, which
    /// long monologues and consistent spelling gain from.
    public var batchSize = 1
    /// Cancellation and progress (see `TranscriptionControl`); nil: neither.
    public var control: TranscriptionControl? = nil

    public init() {}
}
