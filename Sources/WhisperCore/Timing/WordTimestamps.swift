/// What OpenAI's `add_word_timestamps` does with a window's alignment: punctuation merged into the
/// neighbouring words, long words at sentence boundaries and after pauses clamped by the median
/// word duration, each segment given its words, and its start and end moved to its first and last
/// word's (unless that word is implausibly long).
public enum WordTimestamps {
    /// OpenAI's defaults: merged with the next word / with the previous word.
    public static let prependPunctuations = "\"'“¿([{-"
    public static let appendPunctuations = "\"'.。,，!！?？:：”)]}、"
    static let sentenceEndMarks = ".。!！?？"

    /// Python's `a in b` for strings: a substring test, which the empty string passes.
    static func pythonIn(_ a: String, _ b: String) -> Bool { a.isEmpty || b.containsSubstring(a) }

    static func merge(_ alignment: inout [WordTiming], prepended: String, appended: String) {
        // Prepended punctuation joins the following word.
        var i = alignment.count - 2, j = alignment.count - 1
        while i >= 0 {
            if alignment[i].word.hasPrefix(" ") && pythonIn(alignment[i].word.trimmingWhitespace(), prepended) {
                alignment[j].word = alignment[i].word + alignment[j].word
                alignment[j].tokens = alignment[i].tokens + alignment[j].tokens
                alignment[i].word = ""
                alignment[i].tokens = []
            } else {
                j = i
            }
            i -= 1
        }
        // Appended punctuation joins the previous word.
        i = 0
        j = 1
        while j < alignment.count {
            if !alignment[i].word.hasSuffix(" ") && pythonIn(alignment[j].word, appended) {
                alignment[i].word += alignment[j].word
                alignment[i].tokens += alignment[j].tokens
                alignment[j].word = ""
                alignment[j].tokens = []
            } else {
                i = j
            }
            j += 1
        }
    }

    /// Gives `segments` (one window's, times absolute) their words from `alignment` (times from
    /// `windowStart`), adjusting times as OpenAI does. Returns nothing; the caller takes the new
    /// last speech time from the segments.
    static func apply(to segments: inout [Segment], alignment: [WordTiming], windowStart: Double,
                      lastSpeechTimestamp: Double, prepended: String = prependPunctuations,
                      appended: String = appendPunctuations, eot: Int) {
        var alignment = alignment
        let durations = alignment.map { $0.end - $0.start }.filter { $0 != 0 }.sorted()
        var median = 0.0
        if !durations.isEmpty {
            let n = durations.count
            median = n % 2 == 1 ? durations[n / 2] : (durations[n / 2 - 1] + durations[n / 2]) / 2
        }
        median = min(0.7, median)
        let maxDuration = median * 2

        // Truncate long words at sentence boundaries.
        if !durations.isEmpty {
            for i in alignment.indices.dropFirst() where alignment[i].end - alignment[i].start > maxDuration {
                if pythonIn(alignment[i].word, sentenceEndMarks) {
                    alignment[i].end = alignment[i].start + maxDuration
                } else if pythonIn(alignment[i - 1].word, sentenceEndMarks) {
                    alignment[i].start = alignment[i].end - maxDuration
                }
            }
        }
        merge(&alignment, prepended: prepended, appended: appended)

        func rounded(_ x: Double) -> Double { (x * 100).rounded(.toNearestOrEven) / 100 }
        var lastSpeech = lastSpeechTimestamp
        var wordIndex = 0
        for s in segments.indices {
            let textTokens = segments[s].tokens.filter { $0 < eot }
            var saved = 0
            var words: [WordTiming] = []
            while wordIndex < alignment.count && saved < textTokens.count {
                let timing = alignment[wordIndex]
                if !timing.word.isEmpty {
                    words.append(WordTiming(word: timing.word, start: rounded(windowStart + timing.start),
                                            end: rounded(windowStart + timing.end), probability: timing.probability,
                                            tokens: timing.tokens))
                }
                saved += timing.tokens.count
                wordIndex += 1
            }
            if !words.isEmpty {
                // The first and second word after a pause: at most twice the median duration.
                if words[0].end - lastSpeech > median * 4
                    && (words[0].end - words[0].start > maxDuration
                        || (words.count > 1 && words[1].end - words[0].start > maxDuration * 2)) {
                    if words.count > 1 && words[1].end - words[1].start > maxDuration {
                        let boundary = max(words[1].end / 2, words[1].end - maxDuration)
                        words[0].end = boundary
                        words[1].start = boundary
                    }
                    words[0].start = max(0, words[0].end - maxDuration)
                }
                // Prefer the segment's start if the first word is too long.
                if segments[s].start < words[0].end && segments[s].start - 0.5 > words[0].start {
                    words[0].start = max(0, min(words[0].end - median, segments[s].start))
                } else {
                    segments[s].start = words[0].start
                }
                // Prefer the segment's end if the last word is too long.
                let last = words.count - 1
                if segments[s].end > words[last].start && segments[s].end + 0.5 < words[last].end {
                    words[last].end = max(words[last].start + median, segments[s].end)
                } else {
                    segments[s].end = words[last].end
                }
                lastSpeech = segments[s].end
            }
            segments[s].words = words
        }
    }

    /// OpenAI's `get_end`: the end of the last word of the last segment with words, else the last segment's end.
    static func end(of segments: [Segment]) -> Double? {
        for segment in segments.reversed() {
            if let last = segment.words?.last { return last.end }
        }
        return segments.last?.end
    }
}
