/// Whisper's tokenizer: GPT-2's byte-level BPE over the vocabulary of a whisper.cpp model file,
/// plus Whisper's special tokens.
///
/// A token is a byte string, not a character: text is UTF-8 bytes, and a character outside
/// ASCII may be split across tokens. Decoding therefore joins the bytes first and only then
/// reads them as UTF-8.
///
/// Built from plain values, the header's `n_vocab` and the file's token list:
///
///     let tokenizer = try Tokenizer(vocabulary: file.vocabulary,
///                                   vocabularySize: file.hyperparameters.nVocab)
public struct Tokenizer: Sendable {
    /// The special tokens' ids, derived from the vocabulary size.
    public let specialTokens: SpecialTokens
    /// The file's token byte strings; id = index. It may stop before the special tokens
    /// (whose names come from `specialTokens`, never from this list).
    private let tokens: [[UInt8]]
    private let encoder: BytePairEncoder

    /// - Parameters:
    ///   - vocabulary: the token byte strings in id order, as the model file lists them.
    ///   - vocabularySize: the header's `n_vocab`, special tokens included.
    /// - Throws: `TokenizerError` if the size fits no Whisper vocabulary, the list is longer than
    ///   it, or a single byte has no token (byte-level BPE could not encode every text).
    public init(vocabulary: [[UInt8]], vocabularySize: Int) throws(TokenizerError) {
        let special = try SpecialTokens(vocabularySize: vocabularySize)
        guard vocabulary.count <= vocabularySize else {
            throw TokenizerError.tooManyTokens(listed: vocabulary.count, vocabularySize: vocabularySize)
        }
        // Only the ordinary tokens take part in merging; an entry the file stores for a special
        // token (tiny.en lists `<|endoftext|>`) must not be produced from text.
        let ordinary = vocabulary.prefix(special.endOfText)
        encoder = try BytePairEncoder(tokens: ordinary)
        specialTokens = special
        tokens = vocabulary
    }

    /// `n_vocab`: the number of token ids, special tokens included.
    public var vocabularySize: Int { specialTokens.vocabularySize }

    // MARK: - Encoding

    /// The tokens of `text`, as Whisper's (tiktoken's) byte-level BPE produces them.
    /// Special-token names in the text are ordinary text here (`"<|en|>"` is 6 characters).
    public func encode(_ text: String) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        let classes = scalars.map(PreTokenizer.ScalarClass.init)
        // UTF-8 bytes of the whole text, and where each scalar's bytes begin.
        var bytes: [UInt8] = []
        var byteOffset: [Int] = []
        bytes.reserveCapacity(scalars.count)
        byteOffset.reserveCapacity(scalars.count + 1)
        for scalar in scalars {
            byteOffset.append(bytes.count)
            UTF8.encode(scalar) { bytes.append($0) }
        }
        byteOffset.append(bytes.count)

        var output: [Int] = []
        output.reserveCapacity(bytes.count / 3 + 1)
        var scratch = BytePairEncoder.Scratch()
        var start = 0
        while start < scalars.count {
            let end = PreTokenizer.pieceEnd(from: start, scalars: scalars, classes: classes)
            encoder.encode(bytes[byteOffset[start] ..< byteOffset[end]], into: &output, scratch: &scratch)
            start = end
        }
        return output
    }

    /// The token whose bytes are exactly `bytes`, if there is one (the lowest such id).
    public func token(forBytes bytes: [UInt8]) -> Int? {
        encoder.rank(of: bytes[...])
    }

    // MARK: - Decoding

    /// The bytes of an ordinary text token; nil for special tokens, ids outside the vocabulary
    /// and ids the file does not list.
    public func bytes(of token: Int) -> [UInt8]? {
        guard specialTokens.isText(token), token < tokens.count else { return nil }
        return tokens[token]
    }

    /// The bytes `token` contributes to decoded text: its byte string for a text token, its name
    /// (`<|endoftext|>`) for a special token when `includeSpecial`, otherwise nothing.
    func appendBytes(of token: Int, includeSpecial: Bool, to output: inout [UInt8]) {
        if let bytes = bytes(of: token) {
            output.append(contentsOf: bytes)
        } else if includeSpecial, let name = specialTokens.name(of: token) {
            output.append(contentsOf: name.utf8)
        }
    }

    /// The bytes of a token sequence joined, exactly as the model produced them (this may end
    /// inside a character, or hold invalid UTF-8 where the tokens themselves cut one).
    /// Special tokens are skipped unless `includeSpecial`, which writes their names.
    /// Ids outside the vocabulary contribute nothing.
    public func decodeBytes<Tokens: Sequence>(_ tokens: Tokens, includeSpecial: Bool = false) -> [UInt8]
    where Tokens.Element == Int {
        var output: [UInt8] = []
        for token in tokens { appendBytes(of: token, includeSpecial: includeSpecial, to: &output) }
        return output
    }

    /// The text of a token sequence: its bytes joined, then read as UTF-8, with U+FFFD in place of
    /// each ill-formed part (a character the tokens cut, as Python's `errors="replace"` does).
    public func decode<Tokens: Sequence>(_ tokens: Tokens, includeSpecial: Bool = false) -> String
    where Tokens.Element == Int {
        String(decoding: decodeBytes(tokens, includeSpecial: includeSpecial), as: UTF8.self)
    }

    /// Whether the decoded bytes of `tokens` end inside a character whose remaining bytes are
    /// still to come: streaming output should wait for the next token before printing.
    public func endsInsideCharacter<Tokens: BidirectionalCollection>(
        _ tokens: Tokens, includeSpecial: Bool = false
    ) -> Bool where Tokens.Element == Int {
        // Only the last 4 bytes can matter; gather them from the end.
        var tail: [UInt8] = []
        for token in tokens.reversed() {
            var bytes: [UInt8] = []
            appendBytes(of: token, includeSpecial: includeSpecial, to: &bytes)
            tail.insert(contentsOf: bytes, at: 0)
            if tail.count >= 4 { break }
        }
        return UTF8Boundary.endsInsideCharacter(tail)
    }

    /// A readable form of one token for diagnostics: its name if special, its text if it is
    /// whole characters, otherwise its bytes in hex (`<0xe6 0x97>`).
    public func describe(_ token: Int) -> String {
        if let name = specialTokens.name(of: token) { return name }
        guard let bytes = bytes(of: token) else { return "<invalid token \(token)>" }
        if let text = String(validatingUTF8Bytes: bytes) { return text }
        return "<" + bytes.map { "0x" + String($0, radix: 16) }.joined(separator: " ") + ">"
    }
}

extension String {
    /// The string these bytes spell, or nil if they are not well-formed UTF-8.
    init?(validatingUTF8Bytes bytes: [UInt8]) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = String(scalars)
    }
}
