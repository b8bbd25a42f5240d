/// A stretch of a recording that holds speech. Times are whole centiseconds, as whisper.cpp keeps them.
public struct SpeechSegment: Sendable, Equatable, CustomStringConvertible {
    public var startCentiseconds: Int
    public var endCentiseconds: Int

    public init(startCentiseconds: Int, endCentiseconds: Int) {
        self.startCentiseconds = startCentiseconds
        self.endCentiseconds = endCentiseconds
    }

    /// Start in seconds.
    public var start: Double { Double(startCentiseconds) / 100 }
    /// End in seconds.
    public var end: Double { Double(endCentiseconds) / 100 }
    public var duration: Double { end - start }

    public var description: String { "\(start)–\(end) s" }
}

/// Speech segments from per-window speech probabilities: Silero's `get_speech_timestamps` as
/// whisper.cpp implements it (`whisper_vad_segments_from_probs`), with its default parameters
/// `VADParameters()`.
public enum SpeechSegments {
    /// Gaps between segments shorter than this are closed (whisper.cpp's fixed 200 ms).
    public static let mergeGap = 0.2
    /// When speech runs over `maxSpeechDuration`, it is cut at the last silence at least this long.
    public static let minSilenceAtMaxSpeech = 0.098

    /// The speech in `samples` (16 kHz mono): runs `vad` from a fresh state, then `detect`.
    public static func detect(in samples: [Float], vad: SileroVAD, parameters: VADParameters = VADParameters(),
                              executor: ParallelExecutor = .serial) -> [SpeechSegment] {
        detect(probabilities: vad.probabilities(of: samples, executor: executor), windowSize: vad.windowSize,
               parameters: parameters)
    }

    /// The speech segments of a recording whose consecutive `windowSize`-sample windows (at 16 kHz)
    /// have these speech probabilities.
    ///
    /// A segment opens at the first window whose probability reaches the threshold and closes where
    /// the probability first fell below `threshold - 0.15`, once it has stayed there for the minimum
    /// silence (speech in between cancels the pending end). Too-short segments are dropped; gaps
    /// under 200 ms are merged; finally each segment is padded by `speechPad`, or — when two are
    /// closer than twice that — both are extended to meet halfway.
    public static func detect(probabilities: [Float], windowSize: Int,
                              parameters p: VADParameters = VADParameters()) -> [SpeechSegment] {
        let rate = Double(SileroVADModel.sampleRate)
        func samples(_ seconds: Double) -> Int {
            guard seconds.isFinite else { return seconds > 0 ? Int.max / 4 : 0 }
            return Int((max(0, seconds) * rate).rounded())
        }
        let window = max(1, windowSize)
        let minSilence = samples(p.minSilenceDuration)
        let minSpeech = samples(p.minSpeechDuration)
        let pad = samples(p.speechPad)
        let audioLength = probabilities.count * window
        // Speech longer than this is split (allowing for one window and the padding at both ends).
        var maxSpeech = Int.max / 4
        if p.maxSpeechDuration.isFinite, p.maxSpeechDuration <= 100_000 {
            let limit = samples(p.maxSpeechDuration) - window - 2 * pad
            if limit >= 0 { maxSpeech = limit }
        }
        let minSilenceAtMaxSpeech = samples(minSilenceAtMaxSpeech)
        let threshold = p.threshold
        let negativeThreshold = max(threshold - 0.15, 0.01)

        // Sample positions; 0 stands for "none" (a silence can never start at sample 0, since speech
        // must come before it).
        var speeches: [(start: Int, end: Int)] = []
        var inSpeech = false
        var speechStart = 0
        var silenceStart = 0      // where the current silence began
        var lastSilenceEnd = 0    // a place to cut long speech: the start of a silence ≥ 98 ms
        var nextStart = 0         // where speech resumed after that silence

        for (i, probability) in probabilities.enumerated() {
            let position = i * window

            if probability >= threshold, silenceStart != 0 {
                // Speech again: the pending silence was only a pause.
                silenceStart = 0
                if nextStart < lastSilenceEnd { nextStart = position }
            }

            if probability >= threshold, !inSpeech {
                inSpeech = true
                speechStart = position
                continue
            }

            if inSpeech, position - speechStart > maxSpeech {
                if lastSilenceEnd != 0 {
                    // Cut at the last long-enough silence; carry on from where speech resumed.
                    speeches.append((speechStart, lastSilenceEnd))
                    if nextStart < lastSilenceEnd {
                        inSpeech = false      // still silent since then
                    } else {
                        speechStart = nextStart
                    }
                    lastSilenceEnd = 0
                    nextStart = 0
                    silenceStart = 0
                } else {
                    // No silence to cut at: cut here.
                    speeches.append((speechStart, position))
                    lastSilenceEnd = 0
                    nextStart = 0
                    silenceStart = 0
                    inSpeech = false
                    continue
                }
            }

            if probability < negativeThreshold, inSpeech {
                if silenceStart == 0 { silenceStart = position }
                if position - silenceStart > minSilenceAtMaxSpeech { lastSilenceEnd = silenceStart }
                if position - silenceStart < minSilence { continue }
                // The silence is long enough: the segment ended where it began.
                if silenceStart - speechStart > minSpeech {
                    speeches.append((speechStart, silenceStart))
                }
                lastSilenceEnd = 0
                nextStart = 0
                silenceStart = 0
                inSpeech = false
            }
        }
        if inSpeech, audioLength - speechStart > minSpeech {
            speeches.append((speechStart, audioLength))
        }

        // Merge segments separated by less than 200 ms.
        let mergeGap = samples(Self.mergeGap)
        var merged: [(start: Int, end: Int)] = []
        for speech in speeches {
            if let last = merged.last, speech.start - last.end < mergeGap {
                merged[merged.count - 1].end = speech.end
            } else {
                merged.append(speech)
            }
        }
        merged.removeAll { $0.end - $0.start < minSpeech }

        // Padding: a full pad where there is room, otherwise meet halfway.
        for i in merged.indices {
            if i == 0 { merged[i].start = max(0, merged[i].start - pad) }
            if i + 1 < merged.count {
                let silence = merged[i + 1].start - merged[i].end
                if silence < 2 * pad {
                    merged[i].end += silence / 2
                    merged[i + 1].start = max(0, merged[i + 1].start - silence / 2)
                } else {
                    merged[i].end = min(audioLength, merged[i].end + pad)
                    merged[i + 1].start = max(0, merged[i + 1].start - pad)
                }
            } else {
                merged[i].end = min(audioLength, merged[i].end + pad)
            }
        }
        return merged.map {
            SpeechSegment(startCentiseconds: centiseconds(samples: $0.start), endCentiseconds: centiseconds(samples: $0.end))
        }
    }

    /// Samples at 16 kHz to whole centiseconds, rounded half up.
    static func centiseconds(samples: Int) -> Int {
        Int((Double(samples) / Double(SileroVADModel.sampleRate) * 100 + 0.5).rounded(.down))
    }

    /// Whole centiseconds to samples at 16 kHz, rounded half up.
    static func samples(centiseconds: Int) -> Int {
        Int((Double(centiseconds) / 100 * Double(SileroVADModel.sampleRate) + 0.5).rounded(.down))
    }
}
