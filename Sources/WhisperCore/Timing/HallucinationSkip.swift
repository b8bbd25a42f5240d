/// OpenAI's `hallucination_silence_threshold`: with word timestamps, a window's text that looks
/// hallucinated — words the model was unsure of, implausibly short or long — and sits between
/// silences longer than the threshold is dropped, and the seek loop jumps past the silence before it
/// instead of decoding it again.
struct HallucinationSkip {
    /// Seconds of silence around a suspect segment for it to be skipped.
    var threshold: Double

    /// OpenAI's `punctuation`: words made only of these are left out of a segment's score.
    static let punctuation = "\"'“¿([{-\"'.。,，!！?？:：”)]}、"

    /// How unlike real speech a word is: unlikely (probability under 0.15), or shorter than 0.133 s,
    /// or longer than 2 s.
    static func anomalyScore(_ word: WordTiming) -> Double {
        let duration = word.end - word.start
        var score = 0.0
        if word.probability < 0.15 { score += 1 }
        if duration < 0.133 { score += (0.133 - duration) * 15 }
        if duration > 2 { score += duration - 2 }
        return score
    }

    /// A segment whose first eight words (punctuation aside) score 3 or more, or nearly one each.
    static func isAnomaly(_ segment: Segment?) -> Bool {
        guard let words = segment?.words, !words.isEmpty else { return false }
        let scored = words.filter { !WordTimestamps.pythonIn($0.word, punctuation) }.prefix(8)
        let score = scored.reduce(0) { $0 + anomalyScore($1) }
        return score >= 3 || score + 0.01 >= Double(scored.count)
    }

    /// Applies the rule to one window's `segments` (words already attached): may move `seek` and
    /// drop segments. Returns false when the whole window is to be dropped (its first segment was
    /// suspect and came after a long silence: the loop resumes at that segment).
    func apply(to segments: inout [Segment], seek: inout Int, baseTime: Double, timeOffset: Double, previousSeek: Int,
               size: Int, contentFrames: Int, singleTimestampEnding: Bool, lastSpeechTimestamp: Double) -> Bool {
        func frames(_ seconds: Double) -> Int { Int((seconds * 100).rounded(.toNearestOrEven)) }
        let windowEnd = timeOffset + 30                       // OpenAI: (seek + N_FRAMES) · hop / rate
        let segmentDuration = Double(size) / 100
        if !singleTimestampEnding, let lastWordEnd = WordTimestamps.end(of: segments), lastWordEnd > timeOffset {
            seek = windowEnd - lastWordEnd > threshold ? frames(lastWordEnd - baseTime) : previousSeek + size
        }
        // A suspect first segment after a long silence: skip the silence, drop the window.
        if let first = segments.first(where: { $0.words?.isEmpty == false }), Self.isAnomaly(first) {
            let gap = first.start - timeOffset
            if gap > threshold {
                seek = previousSeek + frames(gap)
                return false
            }
        }
        // A suspect segment between silences (or more suspect segments): dropped with all after it,
        // and the loop resumes at it.
        var lastEnd = lastSpeechTimestamp
        for i in segments.indices {
            let segment = segments[i]
            guard let words = segment.words, !words.isEmpty else { continue }
            if Self.isAnomaly(segment) {
                let next = segments[(i + 1)...].first(where: { $0.words?.isEmpty == false })
                let nextStart = next?.words?.first?.start ?? timeOffset + segmentDuration
                let silenceBefore = segment.start - lastEnd > threshold || segment.start < threshold
                    || segment.start - timeOffset < 2
                let silenceAfter = nextStart - segment.end > threshold || Self.isAnomaly(next)
                    || windowEnd - segment.end < 2
                if silenceBefore && silenceAfter {
                    seek = frames(max(timeOffset + 1, segment.start) - baseTime)
                    if baseTime + Double(contentFrames) / 100 - segment.end < threshold { seek = contentFrames }
                    segments.removeSubrange(i...)
                    break
                }
            }
            lastEnd = segment.end
        }
        return true
    }
}
