/// Splits segments into shorter ones of at most a given number of characters (whisper.cpp's
/// `-ml N`, with `-sow` to split only between words) — for subtitles that fit on a line.
///
/// The engine has no per-token timestamps, so the times of the pieces are interpolated: a
/// segment's duration is shared among its pieces in proportion to their number of characters
/// (the leading space of a word counts). Pieces are cut only between tokens (or, with `onWords`,
/// only before a token that starts with a space), never inside a character; a single token or word
/// longer than the limit becomes a piece of its own. Lengths count characters (grapheme clusters),
/// not bytes, so a CJK character counts as one.
public enum SegmentSplitter {
    /// Every segment split as `split(_:maxLength:onWords:tokenizer:)` does; `maxLength <= 0`
    /// leaves them unchanged.
    public static func split(_ segments: [Segment], maxLength: Int, onWords: Bool, tokenizer: Tokenizer) -> [Segment] {
        guard maxLength > 0 else { return segments }
        return segments.flatMap { split($0, maxLength: maxLength, onWords: onWords, tokenizer: tokenizer) }
    }

    /// With word times: whole words packed greedily into pieces of at most `maxLength` characters
    /// (a longer word is a piece of its own; `-ml 1` gives a word per piece), each piece timed by
    /// its first word's start and its last word's end.
    static func split(_ segment: Segment, words: [WordTiming], maxLength: Int) -> [Segment] {
        var groups: [[WordTiming]] = []
        var length = 0
        for word in words {
            let n = word.word.count
            if groups.isEmpty || length + n > maxLength {
                groups.append([word])
                length = n
            } else {
                groups[groups.count - 1].append(word)
                length += n
            }
        }
        return groups.map { group in
            var piece = segment
            piece.start = group.first!.start
            piece.end = group.last!.end
            piece.text = group.map({ $0.word }).joined()
            piece.tokens = group.flatMap({ $0.tokens })
            piece.tokenProbabilities = []
            piece.words = group
            return piece
        }
    }

    /// One segment split into pieces of at most `maxLength` characters, in order, covering the
    /// segment's time span exactly. Token ids and probabilities go with their piece.
    public static func split(_ segment: Segment, maxLength: Int, onWords: Bool, tokenizer: Tokenizer) -> [Segment] {
        if maxLength > 0, let words = segment.words, !words.isEmpty { return split(segment, words: words, maxLength: maxLength) }
        guard maxLength > 0, segment.text.count > maxLength else { return [segment] }
        let specials = tokenizer.specialTokens
        let pieces = TokenText.pieces(of: segment.tokens, tokenizer: tokenizer)
        let textIndices = segment.tokens.indices.filter { specials.isText(segment.tokens[$0]) }
        guard !textIndices.isEmpty else { return [segment] }

        // Units that may not be cut: a token (with any earlier tokens holding the first bytes of a
        // character it completes), or with `onWords` a word. `starts` are token indices.
        var unitStarts: [Int] = []
        var unitLengths: [Int] = []
        var previousCompleted = true
        for i in textIndices {
            let piece = pieces[i]
            let startsWord = piece.first?.isWhitespace ?? false
            if unitStarts.isEmpty || (previousCompleted && (!onWords || startsWord)) {
                unitStarts.append(i)
                unitLengths.append(0)
            }
            unitLengths[unitLengths.count - 1] += piece.count
            previousCompleted = !piece.isEmpty
        }

        // Pack units greedily into pieces of at most maxLength characters.
        var cuts: [(unit: Int, characters: Int)] = []   // first unit of each piece, characters before it
        var current = 0
        var consumed = 0
        for (u, length) in unitLengths.enumerated() {
            if u == 0 || (current > 0 && current + length > maxLength) {
                cuts.append((u, consumed))
                current = 0
            }
            current += length
            consumed += length
        }
        guard cuts.count > 1, consumed > 0 else { return [segment] }

        let hasProbabilities = segment.tokenProbabilities.count == segment.tokens.count
        let duration = segment.end - segment.start
        var result: [Segment] = []
        for (k, cut) in cuts.enumerated() {
            // Token range: the first piece takes any leading special tokens, the last any trailing ones.
            let lower = k == 0 ? 0 : unitStarts[cut.unit]
            let upper = k + 1 < cuts.count ? unitStarts[cuts[k + 1].unit] : segment.tokens.count
            let endCharacters = k + 1 < cuts.count ? cuts[k + 1].characters : consumed
            var piece = segment
            piece.start = segment.start + duration * Double(cut.characters) / Double(consumed)
            piece.end = k + 1 < cuts.count ? segment.start + duration * Double(endCharacters) / Double(consumed) : segment.end
            piece.tokens = Array(segment.tokens[lower..<upper])
            piece.tokenProbabilities = hasProbabilities ? Array(segment.tokenProbabilities[lower..<upper]) : []
            piece.text = pieces[lower..<upper].joined()
            result.append(piece)
        }
        return result
    }
}
