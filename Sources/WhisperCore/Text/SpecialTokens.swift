/// The ids of Whisper's special tokens, which follow the ordinary text tokens in the vocabulary.
///
/// The order is OpenAI's: `<|endoftext|>`, `<|startoftranscript|>`, one token per language,
/// `<|translate|>`, `<|transcribe|>`, `<|startoflm|>`, `<|startofprev|>`, `<|nospeech|>`,
/// `<|notimestamps|>`, then 1501 timestamps `<|0.00|>` … `<|30.00|>` in steps of 0.02 s.
/// Everything follows from the vocabulary size `n_vocab` in the model's header:
///
/// | n_vocab | model | text tokens | language tokens |
/// |---|---|---|---|
/// | 51864 | English-only (`*.en`) | 50256 | 99, unused |
/// | 51865 | multilingual | 50257 | 99 |
/// | 51866 | large-v3 | 50257 | 100 (adds `yue`) |
///
/// English-only models keep the 99 language slots of the multilingual layout (so their task and
/// timestamp tokens sit where OpenAI's GPT-2 encoding puts them) but know no languages.
public struct SpecialTokens: Equatable, Sendable {
    /// How many timestamp tokens there are: 0.00 s to 30.00 s inclusive.
    public static let timestampCount = 1501
    /// The time between two consecutive timestamp tokens, in seconds.
    public static let secondsPerTimestamp = 0.02

    /// The model's vocabulary size `n_vocab`, special tokens included.
    public let vocabularySize: Int
    /// Whether the model has language tokens (and can translate).
    public let isMultilingual: Bool
    /// The languages the model can be asked for, in token order (empty for English-only models).
    public let languages: [Language]
    /// How many language tokens the layout has (99 for English-only models too).
    public let languageSlotCount: Int

    /// `<|endoftext|>`: ends a transcript; also the number of ordinary text tokens.
    public let endOfText: Int
    /// `<|startoftranscript|>`: begins the decoder's prompt.
    public let startOfTranscript: Int
    /// `<|translate|>`: task token, translate into English.
    public let translate: Int
    /// `<|transcribe|>`: task token, transcribe in the spoken language.
    public let transcribe: Int
    /// `<|startoflm|>`: unused by transcription (language-model mode).
    public let startOfLM: Int
    /// `<|startofprev|>`: precedes the previous text given as context.
    public let startOfPrevious: Int
    /// `<|nospeech|>`: its probability after `<|startoftranscript|>` says "nothing is said here".
    public let noSpeech: Int
    /// `<|notimestamps|>`: asks for text without timestamp tokens.
    public let noTimestamps: Int
    /// `<|0.00|>`, the first timestamp token; the others follow it.
    public let timestampBegin: Int

    /// Lays out the special tokens for a vocabulary of `vocabularySize` tokens (the header's
    /// `n_vocab`). Throws when the size fits none of Whisper's vocabularies.
    public init(vocabularySize: Int) throws(TokenizerError) {
        let multilingual = vocabularySize >= 51865
        // The multilingual vocabulary has one more ordinary token than GPT-2's.
        let textTokens = multilingual ? 50257 : 50256
        let fixedSpecials = 2 + 6 + SpecialTokens.timestampCount
        // The original 99 languages always have slots; large-v3 adds one. (Checked before
        // subtracting, so that no size from a damaged header can overflow.)
        let slotRange = multilingual ? 99 ... Language.all.count : 99 ... 99
        guard vocabularySize >= textTokens + fixedSpecials + slotRange.lowerBound,
              vocabularySize <= textTokens + fixedSpecials + slotRange.upperBound else {
            throw TokenizerError.unsupportedVocabularySize(vocabularySize)
        }
        let languageCount = vocabularySize - textTokens - fixedSpecials

        self.vocabularySize = vocabularySize
        isMultilingual = multilingual
        languageSlotCount = languageCount
        languages = multilingual ? Array(Language.all.prefix(languageCount)) : []
        endOfText = textTokens
        startOfTranscript = textTokens + 1
        translate = startOfTranscript + 1 + languageCount
        transcribe = translate + 1
        startOfLM = transcribe + 1
        startOfPrevious = transcribe + 2
        noSpeech = transcribe + 3
        noTimestamps = transcribe + 4
        timestampBegin = transcribe + 5
    }

    /// The last timestamp token, `<|30.00|>`.
    public var timestampEnd: Int { timestampBegin + SpecialTokens.timestampCount - 1 }

    /// Whether `token` is one of the special tokens (`<|endoftext|>` and everything after it).
    public func isSpecial(_ token: Int) -> Bool {
        token >= endOfText && token < vocabularySize
    }

    /// Whether `token` is an ordinary text token (below `<|endoftext|>`).
    public func isText(_ token: Int) -> Bool {
        token >= 0 && token < endOfText
    }

    /// Whether `token` is a timestamp token `<|0.00|>` … `<|30.00|>`.
    public func isTimestamp(_ token: Int) -> Bool {
        token >= timestampBegin && token < vocabularySize
    }

    /// Whether `token` is one of the language tokens (also the unused ones of English-only models).
    public func isLanguage(_ token: Int) -> Bool {
        let slot = token - (startOfTranscript + 1)
        return slot >= 0 && slot < languageSlotCount
    }

    // MARK: Languages

    /// The token of `language`, or nil when this model has none (English-only models, or
    /// Cantonese before large-v3).
    public func token(for language: Language) -> Int? {
        language.index < languages.count ? startOfTranscript + 1 + language.index : nil
    }

    /// The language whose token `token` is, if it is a language token.
    public func language(of token: Int) -> Language? {
        let index = token - (startOfTranscript + 1)
        return languages.indices.contains(index) ? languages[index] : nil
    }

    /// The tokens of `languages`, in order (what language detection compares); empty for
    /// English-only models.
    public var languageTokens: Range<Int> {
        let first = startOfTranscript + 1
        return first ..< first + languages.count
    }

    // MARK: Timestamps

    /// The time a timestamp token stands for, in centiseconds (an exact integer: 0, 2, … 3000);
    /// nil if `token` is not a timestamp.
    public func centiseconds(ofTimestamp token: Int) -> Int? {
        isTimestamp(token) ? (token - timestampBegin) * 2 : nil
    }

    /// The time a timestamp token stands for, in seconds (`index × 0.02`, as Whisper computes
    /// it); nil if `token` is not a timestamp.
    public func seconds(ofTimestamp token: Int) -> Double? {
        isTimestamp(token) ? Double(token - timestampBegin) * SpecialTokens.secondsPerTimestamp : nil
    }

    /// The timestamp token nearest to `seconds`; nil outside 0…30 s or for a non-finite value.
    public func timestampToken(seconds: Double) -> Int? {
        guard seconds.isFinite else { return nil }
        // Adding ½ then truncating rounds to nearest for the non-negative values accepted.
        let steps = seconds / SpecialTokens.secondsPerTimestamp + 0.5
        guard steps >= 0, steps < Double(SpecialTokens.timestampCount) else { return nil }
        return timestampBegin + Int(steps)
    }

    // MARK: Names

    /// The name of a special token, e.g. `<|endoftext|>`, `<|de|>`, `<|1.08|>`; nil for text
    /// tokens and ids outside the vocabulary.
    public func name(of token: Int) -> String? {
        guard isSpecial(token) else { return nil }
        if let centiseconds = centiseconds(ofTimestamp: token) {
            let fraction = centiseconds % 100
            return "<|\(centiseconds / 100).\(fraction < 10 ? "0" : "")\(fraction)|>"
        }
        if isLanguage(token) { return Language.all[token - (startOfTranscript + 1)].tokenName }
        switch token {
        case endOfText: return "<|endoftext|>"
        case startOfTranscript: return "<|startoftranscript|>"
        case translate: return "<|translate|>"
        case transcribe: return "<|transcribe|>"
        case startOfLM: return "<|startoflm|>"
        case startOfPrevious: return "<|startofprev|>"
        case noSpeech: return "<|nospeech|>"
        case noTimestamps: return "<|notimestamps|>"
        default: return nil
        }
    }
}
