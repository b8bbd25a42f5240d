/// Live audio, as whisper.cpp's `stream` transcribes it: samples are appended as they arrive, and
/// every `step` of new audio the last `length` of it (the new audio and the end of what came
/// before) is transcribed again. The text of that window is the current line, revised at each
/// step; after `length / step − 1` steps (at least one) the line is final, and the next line starts
/// from the last `keep` of its audio.
///
/// Work per step is bounded by `length`, and so is memory: when transcription falls behind the
/// audio, the oldest waiting audio is dropped (`droppedSamples` counts it) rather than queued.
public final class LiveTranscriber {
    /// What a step produced: the current line's text so far, or its final text.
    public enum Line: Sendable, Equatable {
        case partial(String)
        case final(String)
    }

    /// whisper.cpp's `--step`, `--length` and `--keep`, in milliseconds.
    public struct Window: Sendable, Equatable {
        public var stepMilliseconds: Int
        public var lengthMilliseconds: Int
        public var keepMilliseconds: Int

        public init(stepMilliseconds: Int = 3000, lengthMilliseconds: Int = 10000, keepMilliseconds: Int = 200) {
            self.stepMilliseconds = stepMilliseconds
            self.lengthMilliseconds = lengthMilliseconds
            self.keepMilliseconds = keepMilliseconds
        }

        /// The step in samples.
        public var step: Int { stepMilliseconds * WhisperAudio.sampleRate / 1000 }
        var length: Int { lengthMilliseconds * WhisperAudio.sampleRate / 1000 }
        var keep: Int { keepMilliseconds * WhisperAudio.sampleRate / 1000 }
        /// Steps per line.
        var stepsPerLine: Int { max(1, lengthMilliseconds / max(1, stepMilliseconds) - 1) }
    }

    public let window: Window
    private let transcriber: Transcriber
    private let options: TranscriptionOptions
    /// The current line's audio so far (its window), and the audio that came since the last step.
    private var previous: [Float] = []
    private var pending: [Float] = []
    private var steps = 0
    /// Samples of waiting audio dropped because transcription fell behind.
    public private(set) var droppedSamples = 0

    /// `options` as for `Transcriber.transcribe`; each window is transcribed on its own (no
    /// previous-text conditioning across windows), greedy unless `options` say otherwise.
    public init(transcriber: Transcriber, options: TranscriptionOptions = TranscriptionOptions(), window: Window = Window()) {
        self.transcriber = transcriber
        self.options = options.forLiveAudio
        self.window = window
    }

    /// Adds audio (16 kHz mono) as it arrives.
    public func append(_ samples: [Float]) {
        pending.append(contentsOf: samples)
        // Never more than one window's worth waiting: older audio could not be shown in time anyway.
        let limit = max(window.length, window.step)
        if pending.count > limit {
            droppedSamples += pending.count - limit
            pending.removeFirst(pending.count - limit)
        }
    }

    /// Whether a step's worth of new audio is waiting.
    public var isReady: Bool { pending.count >= window.step }

    /// Transcribes the current window with all new audio: the current line's text, final when the
    /// line is complete.
    public func step() throws(WhisperError) -> Line {
        let audio = takeWindow()
        previous = audio
        let text = try transcriber.liveText(of: audio, options: options)
        steps += 1
        guard steps % window.stepsPerLine == 0 else { return .partial(text) }
        previous = Array(audio.suffix(window.keep))
        return .final(text)
    }

    /// At the end of the input: the last line's final text, if audio is left that no final line
    /// covered (nil when there is none).
    public func finish() throws(WhisperError) -> String? {
        guard !pending.isEmpty || steps % window.stepsPerLine != 0 else { return nil }
        let audio = takeWindow()
        previous.removeAll()
        steps = 0
        return try transcriber.liveText(of: audio, options: options)
    }

    /// The window to transcribe: the new audio after as much of the line's audio as `length` and
    /// `keep` leave room for. The new audio is consumed.
    private func takeWindow() -> [Float] {
        let keepFromBefore = min(previous.count, max(0, window.keep + window.length - pending.count))
        let audio = Array(previous.suffix(keepFromBefore)) + pending
        pending.removeAll(keepingCapacity: true)
        return audio
    }
}

extension TranscriptionOptions {
    /// The options for live audio: each piece transcribed on its own (no previous text), no VAD of
    /// its own, segments kept for the text.
    var forLiveAudio: TranscriptionOptions {
        var options = self
        options.conditionOnPreviousText = false
        options.collectsSegments = true
        options.vad = nil
        return options
    }
}

extension Transcriber {
    /// The text of a piece of live audio, trimmed ("" for none).
    func liveText(of audio: [Float], options: TranscriptionOptions) throws(WhisperError) -> String {
        guard !audio.isEmpty else { return "" }
        return try transcribe(samples: audio, options: options).segments.map { $0.text }.joined().trimmingWhitespace()
    }
}
