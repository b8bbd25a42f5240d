/// Why a vocabulary cannot serve as a Whisper tokenizer.
///
/// The tokenizer sees plain values (the header's `n_vocab` and the file's token list), not the
/// file itself; the model loader adds the file's path when it reports one of these.
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `n_vocab` does not fit Whisper's layout: 51864 (English-only), 51865 (multilingual)
    /// or 51866 (large-v3, one more language).
    case unsupportedVocabularySize(Int)
    /// The file lists more tokens than the header's `n_vocab` allows.
    case tooManyTokens(listed: Int, vocabularySize: Int)
    /// A single byte has no token, so some texts could not be encoded.
    case missingByteToken(UInt8)

    public var description: String {
        switch self {
        case .unsupportedVocabularySize(let n):
            return "vocabulary size \(n) does not match a Whisper model "
                + "(expected 51864 for English-only, 51865 multilingual or 51866 for large-v3)"
        case .tooManyTokens(let listed, let size):
            return "the vocabulary lists \(listed) tokens but the header says there are only \(size)"
        case .missingByteToken(let byte):
            return "the vocabulary has no token for the single byte 0x\(String(byte, radix: 16)); "
                + "byte-level BPE needs all 256"
        }
    }
}
