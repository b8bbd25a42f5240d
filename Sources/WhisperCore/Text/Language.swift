/// A language Whisper can transcribe, identified by its code (`"de"`) and English name (`"german"`).
///
/// Whisper's multilingual vocabulary has one special token per language, in a fixed order: the
/// language's `index` in `Language.all` is its token's offset after `<|startoftranscript|>`.
/// The original multilingual models know the first 99; large-v3 added Cantonese (`yue`).
public struct Language: Hashable, Sendable, CustomStringConvertible {
    /// The short code used in the token name, e.g. `"en"`, `"haw"`, `"yue"`.
    public let code: String
    /// The lower-case English name, e.g. `"english"`, `"haitian creole"`.
    public let name: String
    /// Position in Whisper's language order (0 for English).
    public let index: Int

    private init(code: String, name: String, index: Int) {
        self.code = code
        self.name = name
        self.index = index
    }

    public var description: String { code }

    /// The name of this language's special token, e.g. `<|de|>`.
    public var tokenName: String { "<|\(code)|>" }

    /// Every language in Whisper's token order.
    public static let all: [Language] = {
        let table: [(String, String)] = [
            ("en", "english"), ("zh", "chinese"), ("de", "german"), ("es", "spanish"),
            ("ru", "russian"), ("ko", "korean"), ("fr", "french"), ("ja", "japanese"),
            ("pt", "portuguese"), ("tr", "turkish"), ("pl", "polish"), ("ca", "catalan"),
            ("nl", "dutch"), ("ar", "arabic"), ("sv", "swedish"), ("it", "italian"),
            ("id", "indonesian"), ("hi", "hindi"), ("fi", "finnish"), ("vi", "vietnamese"),
            ("he", "hebrew"), ("uk", "ukrainian"), ("el", "greek"), ("ms", "malay"),
            ("cs", "czech"), ("ro", "romanian"), ("da", "danish"), ("hu", "hungarian"),
            ("ta", "tamil"), ("no", "norwegian"), ("th", "thai"), ("ur", "urdu"),
            ("hr", "croatian"), ("bg", "bulgarian"), ("lt", "lithuanian"), ("la", "latin"),
            ("mi", "maori"), ("ml", "malayalam"), ("cy", "welsh"), ("sk", "slovak"),
            ("te", "telugu"), ("fa", "persian"), ("lv", "latvian"), ("bn", "bengali"),
            ("sr", "serbian"), ("az", "azerbaijani"), ("sl", "slovenian"), ("kn", "kannada"),
            ("et", "estonian"), ("mk", "macedonian"), ("br", "breton"), ("eu", "basque"),
            ("is", "icelandic"), ("hy", "armenian"), ("ne", "nepali"), ("mn", "mongolian"),
            ("bs", "bosnian"), ("kk", "kazakh"), ("sq", "albanian"), ("sw", "swahili"),
            ("gl", "galician"), ("mr", "marathi"), ("pa", "punjabi"), ("si", "sinhala"),
            ("km", "khmer"), ("sn", "shona"), ("yo", "yoruba"), ("so", "somali"),
            ("af", "afrikaans"), ("oc", "occitan"), ("ka", "georgian"), ("be", "belarusian"),
            ("tg", "tajik"), ("sd", "sindhi"), ("gu", "gujarati"), ("am", "amharic"),
            ("yi", "yiddish"), ("lo", "lao"), ("uz", "uzbek"), ("fo", "faroese"),
            ("ht", "haitian creole"), ("ps", "pashto"), ("tk", "turkmen"), ("nn", "nynorsk"),
            ("mt", "maltese"), ("sa", "sanskrit"), ("lb", "luxembourgish"), ("my", "myanmar"),
            ("bo", "tibetan"), ("tl", "tagalog"), ("mg", "malagasy"), ("as", "assamese"),
            ("tt", "tatar"), ("haw", "hawaiian"), ("ln", "lingala"), ("ha", "hausa"),
            ("ba", "bashkir"), ("jw", "javanese"), ("su", "sundanese"), ("yue", "cantonese"),
        ]
        return table.enumerated().map { Language(code: $1.0, name: $1.1, index: $0) }
    }()

    /// Other names people use for some languages (as OpenAI's tokenizer accepts them).
    private static let aliases: [String: String] = [
        "burmese": "my", "valencian": "ca", "flemish": "nl", "haitian": "ht",
        "letzeburgesch": "lb", "pushto": "ps", "panjabi": "pa", "moldavian": "ro",
        "moldovan": "ro", "sinhalese": "si", "castilian": "es", "mandarin": "zh",
    ]

    private static let byCode: [String: Language] =
        Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })
    private static let byName: [String: Language] = {
        var table = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        for (alias, code) in aliases { table[alias] = byCode[code] }
        return table
    }()

    /// The language with this code (`"de"`), ignoring case; nil if Whisper has none.
    public init?(code: String) {
        guard let language = Language.byCode[code.lowercased()] else { return nil }
        self = language
    }

    /// The language with this English name (`"German"`) or a common alias (`"Mandarin"`),
    /// ignoring case; nil if Whisper has none.
    public init?(name: String) {
        guard let language = Language.byName[name.lowercased()] else { return nil }
        self = language
    }

    /// The language named by a code or an English name, e.g. from a `--language` option.
    public static func find(_ codeOrName: String) -> Language? {
        Language(code: codeOrName) ?? Language(name: codeOrName)
    }
}
