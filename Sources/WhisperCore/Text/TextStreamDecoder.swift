/// Turns tokens into text one at a time, for printing while decoding runs.
///
/// A character split across tokens is held back until its last byte arrives, so every piece
/// returned is whole characters, and the pieces joined equal `Tokenizer.decode` of all tokens.
///
///     var stream = TextStreamDecoder(tokenizer: tokenizer)
///     for token in tokens { print(stream.append(token), terminator: "") }
///     print(stream.finish())
public struct TextStreamDecoder: Sendable {
    public let tokenizer: Tokenizer
    /// Whether special tokens appear as their names (`<|1.08|>`) rather than not at all.
    public let includeSpecial: Bool
    /// Bytes of a character whose remaining bytes have not arrived yet (at most 3).
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer, includeSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.includeSpecial = includeSpecial
    }

    /// Whether a character is waiting for its remaining bytes.
    public var hasPendingBytes: Bool { !pending.isEmpty }

    /// Adds a token and returns the text it completes (possibly empty).
    public mutating func append(_ token: Int) -> String {
        tokenizer.appendBytes(of: token, includeSpecial: includeSpecial, to: &pending)
        let keep = UTF8Boundary.incompleteSuffixLength(of: pending)
        let ready = String(decoding: pending[..<(pending.count - keep)], as: UTF8.self)
        pending.removeFirst(pending.count - keep)
        return ready
    }

    /// Ends the stream: returns whatever is pending (an unfinished character becomes U+FFFD).
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }
}
