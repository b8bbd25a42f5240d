extension Tokenizer {
    /// The tokens Whisper suppresses by default (its `suppress_tokens="-1"`), sorted: symbols that
    /// start speaker tags and annotations rather than spoken words — `[DAVID]`, `( MUSIC )`,
    /// `♪♪♪` — while ordinary punctuation (`,` `.` `?` `!`) stays allowed.
    ///
    /// The set is OpenAI's `non_speech_tokens`: each symbol below, bare and after a space, if it is
    /// a single token; for the musical symbols (U+2640–U+267F, three UTF-8 bytes sharing the
    /// first two) the first token even when they take several; and the space-led hyphen and
    /// apostrophe, which may join words but should not begin one.
    public func nonSpeechTokens() -> [Int] {
        let symbols: [String] = [
            "\"", "#", "(", ")", "*", "+", "/", ":", ";", "<", "=", ">", "@", "[", "\\", "]", "^",
            "_", "`", "{", "|", "}", "~", "「", "」", "『", "』",
            "<<", ">>", "<<<", ">>>", "--", "---", "-(", "-[", "('", "(\"", "((", "))", "(((",
            ")))", "[[", "]]", "{{", "}}", "♪♪", "♪♪♪",
        ]
        let musicalSymbols: [String] = ["♩", "♪", "♫", "♬", "♭", "♮", "♯"]

        var result = Set<Int>()
        for text in [" -", " '"] {
            if let first = encode(text).first { result.insert(first) }
        }
        for symbol in symbols {
            for tokens in [encode(symbol), encode(" " + symbol)] where tokens.count == 1 {
                result.insert(tokens[0])
            }
        }
        for symbol in musicalSymbols {
            for tokens in [encode(symbol), encode(" " + symbol)] {
                if let first = tokens.first { result.insert(first) }
            }
        }
        return result.sorted()
    }

    /// The tokens Whisper forbids as the first sampled token, so a segment cannot begin blank:
    /// the token(s) of a single space, and `<|endoftext|>`.
    public func blankTokens() -> [Int] {
        encode(" ") + [specialTokens.endOfText]
    }
}
