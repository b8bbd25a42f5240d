/// How subtitles are laid out from word times (OpenAI's `--max_line_width`, `--max_line_count`,
/// `--max_words_per_line`, `--highlight_words`). Without word times, each segment is one cue.
public struct SubtitleLayout: Sendable, Equatable {
    /// Characters per line before a new line starts (nil: no limit, one segment per cue).
    public var maxLineWidth: Int?
    /// Lines per cue (with `maxLineWidth`): segments are then re-flowed into cues.
    public var maxLineCount: Int?
    /// Words per line (nil: no limit).
    public var maxWordsPerLine: Int?
    /// A cue per word, the word underlined, as karaoke subtitles show it.
    public var highlightWords = false

    public init(maxLineWidth: Int? = nil, maxLineCount: Int? = nil, maxWordsPerLine: Int? = nil, highlightWords: Bool = false) {
        self.maxLineWidth = maxLineWidth
        self.maxLineCount = maxLineCount
        self.maxWordsPerLine = maxWordsPerLine
        self.highlightWords = highlightWords
    }
}

/// One subtitle cue: its time span and its text as pieces, some underlined (highlighted words).
struct SubtitleCue: Equatable {
    var start: Double
    var end: Double
    var pieces: [(text: String, underlined: Bool)]

    static func == (a: SubtitleCue, b: SubtitleCue) -> Bool {
        a.start == b.start && a.end == b.end && a.pieces.map({ $0.text }) == b.pieces.map({ $0.text })
            && a.pieces.map({ $0.underlined }) == b.pieces.map({ $0.underlined })
    }

    var text: String { pieces.map({ $0.text }).joined() }
}

enum SubtitleCues {
    /// The cues of `segments`, as OpenAI's `SubtitlesWriter.iterate_result` makes them.
    static func cues(_ segments: [Segment], layout: SubtitleLayout) -> [SubtitleCue] {
        guard let first = segments.first, first.words != nil else {
            return segments.map { SubtitleCue(start: $0.start, end: $0.end, pieces: [(CueText.singleLine($0.text), false)]) }
        }
        let preserveSegments = layout.maxLineCount == nil || layout.maxLineWidth == nil
        let maxLineWidth = layout.maxLineWidth ?? 1000
        let maxWordsPerLine = layout.maxWordsPerLine ?? 1000

        // Words grouped into subtitles (each word's text may gain a leading newline).
        var subtitles: [[WordTiming]] = []
        var subtitle: [WordTiming] = []
        var lineLength = 0, lineCount = 1
        var last = first.start
        for segment in segments {
            let words = segment.words ?? []
            var chunk = 0
            while chunk < words.count {
                let count = min(maxWordsPerLine, words.count - chunk)
                for (i, original) in words[chunk..<(chunk + count)].enumerated() {
                    var timing = original
                    let longPause = !preserveSegments && timing.start - last > 3.0
                    let hasRoom = lineLength + timing.word.count <= maxLineWidth
                    let segmentBreak = i == 0 && !subtitle.isEmpty && preserveSegments
                    if lineLength > 0 && hasRoom && !longPause && !segmentBreak {
                        lineLength += timing.word.count
                    } else {
                        timing.word = timing.word.trimmingWhitespace()
                        if !subtitle.isEmpty && layout.maxLineCount != nil && (longPause || lineCount >= layout.maxLineCount!)
                            || segmentBreak {
                            subtitles.append(subtitle)
                            subtitle = []
                            lineCount = 1
                        } else if lineLength > 0 {
                            lineCount += 1
                            timing.word = "\n" + timing.word
                        }
                        lineLength = timing.word.trimmingWhitespace().count
                    }
                    subtitle.append(timing)
                    last = timing.start
                }
                chunk += maxWordsPerLine
            }
        }
        if !subtitle.isEmpty { subtitles.append(subtitle) }

        var cues: [SubtitleCue] = []
        for words in subtitles {
            guard let firstWord = words.first, let lastWord = words.last else { continue }
            let plain = SubtitleCue(start: firstWord.start, end: lastWord.end, pieces: words.map { (text: $0.word, underlined: false) })
            guard layout.highlightWords else { cues.append(plain); continue }
            var cursor = firstWord.start
            for (i, word) in words.enumerated() {
                if cursor != word.start { cues.append(SubtitleCue(start: cursor, end: word.start, pieces: plain.pieces)) }
                var pieces: [(text: String, underlined: Bool)] = words.map { (text: $0.word, underlined: false) }
                // The underline leaves the word's leading spaces and newline outside it.
                let text = word.word
                let lead = text.prefix { $0.isWhitespace }
                pieces[i] = (text: String(text.dropFirst(lead.count)), underlined: true)
                pieces.insert((text: String(lead), underlined: false), at: i)
                cues.append(SubtitleCue(start: word.start, end: word.end, pieces: pieces))
                cursor = word.end
            }
        }
        return cues
    }
}
