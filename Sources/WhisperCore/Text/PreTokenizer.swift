/// Splits text into the pieces that byte-level BPE encodes one by one, exactly as GPT-2's pattern
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// splits it with Python's `regex` module (which is what Whisper's tokenizer, tiktoken, uses).
/// No merge ever crosses a piece boundary, so words, numbers, punctuation runs and whitespace
/// runs are encoded separately, each word carrying at most one leading space.
///
/// This is a hand-written scanner over Unicode scalars rather than a regular expression, so it
/// needs no regex engine and behaves the same on every platform. The classes are Unicode's:
/// a letter is any `L*` general category, a number any `N*`, whitespace the `White_Space`
/// property (what the `regex` module's `\s` matches).
enum PreTokenizer {
    /// The only distinctions the pattern makes between scalars.
    enum ScalarClass: UInt8 {
        case letter, number, whitespace, other

        init(_ scalar: Unicode.Scalar) {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                self = .letter
            case .decimalNumber, .letterNumber, .otherNumber:
                self = .number
            default:
                self = scalar.properties.isWhitespace ? .whitespace : .other
            }
        }
    }

    /// The end (exclusive) of the piece that starts at `start`, with `scalars[i]` of class
    /// `classes[i]`. Every piece holds at least one scalar.
    ///
    /// The pattern's alternatives are tried in order and the first that matches wins:
    /// 1. an English contraction suffix (`'s 't 're 've 'm 'll 'd`, lower case only);
    /// 2–4. an optional single space, then a run of letters, of digits, or of other symbols;
    /// 5. a run of whitespace not followed by a non-space — so the run gives up its last
    ///    character when a word follows, leaving that space to start the word's piece;
    /// 6. any run of whitespace (a single whitespace before a non-space, e.g. a tab before a word).
    static func pieceEnd(from start: Int, scalars: [Unicode.Scalar], classes: [ScalarClass]) -> Int {
        let count = scalars.count
        let first = scalars[start]

        // 1. Contractions.
        if first == "'" && start + 1 < count {
            switch scalars[start + 1] {
            case "s", "t", "m", "d":
                return start + 2
            case "r", "v":
                if start + 2 < count && scalars[start + 2] == "e" { return start + 3 }
            case "l":
                if start + 2 < count && scalars[start + 2] == "l" { return start + 3 }
            default:
                break
            }
        }

        // 2–4. ` ?` then a run of one class. A space only joins the run when the run follows it;
        // otherwise the space is whitespace and handled below.
        var runStart = start
        if first == " " && start + 1 < count && classes[start + 1] != .whitespace {
            runStart = start + 1
        }
        let runClass = classes[runStart]
        if runClass != .whitespace {
            var end = runStart + 1
            while end < count && classes[end] == runClass { end += 1 }
            return end
        }

        // 5–6. Whitespace: the whole run at the end of the text; otherwise all but its last
        // character (which then leads the next piece), unless the run is a single character.
        var end = start + 1
        while end < count && classes[end] == .whitespace { end += 1 }
        if end == count || end - start == 1 { return end }
        return end - 1
    }

    /// The pieces of `text`, as scalar index ranges into `scalars`.
    static func pieceRanges(scalars: [Unicode.Scalar], classes: [ScalarClass]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < scalars.count {
            let end = pieceEnd(from: start, scalars: scalars, classes: classes)
            ranges.append(start ..< end)
            start = end
        }
        return ranges
    }

    /// The pieces of `text` as strings (for inspection and tests).
    static func pieces(of text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let classes = scalars.map(ScalarClass.init)
        return pieceRanges(scalars: scalars, classes: classes).map { range in
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[range])
            return String(piece)
        }
    }
}
