/// The text of each token of a sequence, in whole characters.
///
/// A token is a byte string and may end inside a UTF-8 character (a CJK character or an emoji is
/// often split over two or three tokens). Printing each token's bytes alone would give invalid
/// UTF-8 — whisper.cpp's JSON output holds such bytes. Here a character belongs to the token that
/// completes it: earlier tokens of the character show nothing, so every piece is valid text and
/// the pieces joined equal `Tokenizer.decode` of the whole sequence.
public enum TokenText {
    /// One string per token. Special tokens (timestamps, end-of-text, ...) give their name
    /// (`<|1.08|>`) when `includeSpecial`, otherwise an empty string.
    public static func pieces(of tokens: [Int], tokenizer: Tokenizer, includeSpecial: Bool = false) -> [String] {
        var stream = TextStreamDecoder(tokenizer: tokenizer)
        var pieces: [String] = []
        pieces.reserveCapacity(tokens.count)
        var lastText: Int?
        for token in tokens {
            if tokenizer.specialTokens.isText(token) {
                pieces.append(stream.append(token))
                lastText = pieces.count - 1
            } else {
                pieces.append(includeSpecial ? tokenizer.specialTokens.name(of: token) ?? "" : "")
            }
        }
        // A character left unfinished at the end becomes U+FFFD on the last text token.
        let rest = stream.finish()
        if !rest.isEmpty, let lastText { pieces[lastText] += rest }
        return pieces
    }
}
