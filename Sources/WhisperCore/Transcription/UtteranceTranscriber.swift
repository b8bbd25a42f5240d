/// Live audio cut into utterances by the Silero voice activity detector: audio is appended as it
/// arrives, the detector follows it 512 samples at a time, and each utterance is transcribed once,
/// as soon as the speaker has been silent for `closingSilence` — a line of text per utterance,
/// never revised. Speech that runs on past 29 s is closed there (one 30 s window).
///
/// Speech starts where a window's probability reaches `parameters.threshold` and ends after
/// `closingSilence` below `threshold − 0.15` (the detector's own hysteresis); utterances shorter than
/// `parameters.minSpeechDuration` are dropped, and each keeps `parameters.speechPad` of audio
/// before and after it.
public final class UtteranceTranscriber {
    private let transcriber: Transcriber
    private let vad: SileroVAD
    private let options: TranscriptionOptions
    private let threshold: Float
    private let endThreshold: Float
    private let closing: Int, pad: Int, minSpeech: Int, maxSamples: Int
    /// Samples not yet seen by the detector (less than one of its windows).
    private var carry: [Float] = []
    /// The audio just before speech (`pad` of it), and the utterance being spoken.
    private var preroll: [Float] = []
    private var utterance: [Float] = []
    private var inSpeech = false
    private var silence = 0

    /// `closingSilence` in seconds: how long a pause ends an utterance.
    public init(transcriber: Transcriber, vad: SileroVAD, options: TranscriptionOptions = TranscriptionOptions(),
                parameters: VADParameters = VADParameters(), closingSilence: Double = 0.5) {
        self.transcriber = transcriber
        self.vad = vad
        self.options = options.forLiveAudio
        let rate = Double(WhisperAudio.sampleRate)
        threshold = parameters.threshold
        endThreshold = max(0.01, parameters.threshold - 0.15)
        closing = Int(max(closingSilence, parameters.minSilenceDuration) * rate)
        pad = Int(max(0, parameters.speechPad) * rate)
        minSpeech = Int(max(0, parameters.minSpeechDuration) * rate)
        maxSamples = 29 * WhisperAudio.sampleRate
        vad.reset()
    }

    /// Adds audio (16 kHz mono); returns the text of each utterance that closed in it (empty text
    /// for speech the model heard nothing in is left out).
    public func append(_ samples: [Float]) throws(WhisperError) -> [String] {
        carry.append(contentsOf: samples)
        let w = vad.windowSize
        var lines: [String] = []
        var start = 0
        while start + w <= carry.count {
            let range = start..<(start + w)
            start += w
            let p = carry.withUnsafeBufferPointer { vad.process(window: UnsafeBufferPointer(rebasing: $0[range])) }
            if !inSpeech {
                if p >= threshold {
                    inSpeech = true
                    silence = 0
                    utterance = preroll
                    utterance.append(contentsOf: carry[range])
                    preroll.removeAll()
                } else {
                    preroll.append(contentsOf: carry[range])
                    if preroll.count > pad { preroll.removeFirst(preroll.count - pad) }
                }
                continue
            }
            utterance.append(contentsOf: carry[range])
            if p < endThreshold { silence += w } else if p >= threshold { silence = 0 }
            if silence >= closing || utterance.count >= maxSamples {
                if let text = try close() { lines.append(text) }
            }
        }
        carry.removeFirst(start)
        return lines
    }

    /// At the end of the input: the text of the utterance under way, if any.
    public func finish() throws(WhisperError) -> String? {
        utterance.append(contentsOf: carry)
        carry.removeAll()
        guard inSpeech else { return nil }
        return try close()
    }

    /// Transcribes the utterance (its trailing silence cut to `pad`) and starts listening again.
    private func close() throws(WhisperError) -> String? {
        let trailing = max(0, silence - pad)
        let audio = Array(utterance.prefix(utterance.count - min(trailing, utterance.count)))
        preroll = Array(utterance.suffix(pad))
        utterance.removeAll()
        inSpeech = false
        silence = 0
        guard audio.count - pad >= minSpeech else { return nil }
        let text = try transcriber.liveText(of: audio, options: options)
        return text.isEmpty ? nil : text
    }
}
