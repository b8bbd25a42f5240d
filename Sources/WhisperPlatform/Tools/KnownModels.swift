import WhisperCore

/// A whisper.cpp model published on the public model host: its name, and what a correct download
/// of it must match.
public struct KnownModel: Sendable, Equatable {
    /// The model's name as whisper.cpp's download script spells it (`tiny.en`, `large-v3-q5_0`).
    public let name: String
    /// Exact size in bytes, where a public source gives it.
    public let bytes: Int64?
    /// SHA-256 of the file, where public sources agree on it.
    public let sha256: String?
    /// SHA-1 of the file, as the model host's model card publishes it (known for every model).
    public let sha1: String
    /// Rough size as the model card states it (`75 MiB`).
    public let approximateSize: String

    public init(name: String, bytes: Int64?, sha256: String?, sha1: String, approximateSize: String) {
        self.name = name
        self.bytes = bytes
        self.sha256 = sha256
        self.sha1 = sha1
        self.approximateSize = approximateSize
    }

    /// The file's name: `ggml-NAME.bin`.
    public var fileName: String { "ggml-\(name).bin" }
    /// English-only models have `.en` in their name; the others are multilingual.
    public var isEnglishOnly: Bool { name.contains(".en") }
    /// Where to download it from, under `baseURL` (default: the public host).
    public func url(baseURL: String = KnownModels.baseURL) -> String {
        (baseURL.hasSuffix("/") ? baseURL : baseURL + "/") + fileName
    }

    /// The strongest checksum published for the file: SHA-256 if known, else SHA-1.
    public var checksum: (algorithm: FileDigest.Algorithm, hex: String) {
        if let sha256 { return (.sha256, sha256) }
        return (.sha1, sha1)
    }
}

/// The models whisper.cpp publishes — the one table the CLI (`whisper-cli models`) and the
/// download script (`Models/download-ggml-model.sh`, which reads the entries below) share.
///
/// Sources: the SHA-1 column and the sizes in MiB are the model card of
/// huggingface.co/ggerganov/whisper.cpp (mirrored in whisper.cpp's models/README.md). Neither
/// publishes SHA-256 or byte counts; those were taken from public projects that pin these files,
/// and only where two independent ones agree — elsewhere they are nil and downloads are checked
/// against the SHA-1. The host publishes medium and large quantized as q5_0 (not q5_1).
///
/// Keep the table's format — one `KnownModel(...)` per line, these labels — the script parses it.
public enum KnownModels {
    /// The public model host.
    public static let baseURL = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main"

    public static let all: [KnownModel] = [
        KnownModel(name: "tiny", bytes: 77_691_713, sha256: "be07e048e1e599ad46341c8d2a135645097a538221678b7acdd1b1919c6e1b21", sha1: "bd577a113a864445d4c299885e0cb97d4ba92b5f", approximateSize: "75 MiB"),
        KnownModel(name: "tiny-q5_1", bytes: nil, sha256: nil, sha1: "2827a03e495b1ed3048ef28a6a4620537db4ee51", approximateSize: "31 MiB"),
        KnownModel(name: "tiny-q8_0", bytes: nil, sha256: nil, sha1: "19e8118f6652a650569f5a949d962154e01571d9", approximateSize: "42 MiB"),
        KnownModel(name: "tiny.en", bytes: 77_704_715, sha256: "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f", sha1: "c78c86eb1a8faa21b369bcd33207cc90d64ae9df", approximateSize: "75 MiB"),
        KnownModel(name: "tiny.en-q5_1", bytes: nil, sha256: "c77c5766f1cef09b6b7d47f21b546cbddd4157886b3b5d6d4f709e91e66c7c2b", sha1: "3fb92ec865cbbc769f08137f22470d6b66e071b6", approximateSize: "31 MiB"),
        KnownModel(name: "tiny.en-q8_0", bytes: nil, sha256: nil, sha1: "802d6668e7d411123e672abe4cb6c18f12306abb", approximateSize: "42 MiB"),
        KnownModel(name: "base", bytes: 147_951_465, sha256: "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe", sha1: "465707469ff3a37a2b9b8d8f89f2f99de7299dac", approximateSize: "142 MiB"),
        KnownModel(name: "base-q5_1", bytes: nil, sha256: nil, sha1: "a3733eda680ef76256db5fc5dd9de8629e62c5e7", approximateSize: "57 MiB"),
        KnownModel(name: "base-q8_0", bytes: nil, sha256: nil, sha1: "7bb89bb49ed6955013b166f1b6a6c04584a20fbe", approximateSize: "78 MiB"),
        KnownModel(name: "base.en", bytes: 147_964_211, sha256: "a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002", sha1: "137c40403d78fd54d454da0f9bd998f78703390c", approximateSize: "142 MiB"),
        KnownModel(name: "base.en-q5_1", bytes: nil, sha256: "4baf70dd0d7c4247ba2b81fafd9c01005ac77c2f9ef064e00dcf195d0e2fdd2f", sha1: "d26d7ce5a1b6e57bea5d0431b9c20ae49423c94a", approximateSize: "57 MiB"),
        KnownModel(name: "base.en-q8_0", bytes: nil, sha256: nil, sha1: "bb1574182e9b924452bf0cd1510ac034d323e948", approximateSize: "78 MiB"),
        KnownModel(name: "small", bytes: 487_601_967, sha256: "1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b", sha1: "55356645c2b361a969dfd0ef2c5a50d530afd8d5", approximateSize: "466 MiB"),
        KnownModel(name: "small-q5_1", bytes: nil, sha256: "ae85e4a935d7a567bd102fe55afc16bb595bdb618e11b2fc7591bc08120411bb", sha1: "6fe57ddcfdd1c6b07cdcc73aaf620810ce5fc771", approximateSize: "181 MiB"),
        KnownModel(name: "small-q8_0", bytes: nil, sha256: nil, sha1: "bcad8a2083f4e53d648d586b7dbc0cd673d8afad", approximateSize: "252 MiB"),
        KnownModel(name: "small.en", bytes: 487_614_201, sha256: "c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d", sha1: "db8a495a91d927739e50b3fc1cc4c6b8f6c2d022", approximateSize: "466 MiB"),
        KnownModel(name: "small.en-q5_1", bytes: nil, sha256: "bfdff4894dcb76bbf647d56263ea2a96645423f1669176f4844a1bf8e478ad30", sha1: "20f54878d608f94e4a8ee3ae56016571d47cba34", approximateSize: "181 MiB"),
        KnownModel(name: "small.en-q8_0", bytes: nil, sha256: nil, sha1: "9d75ff4ccfa0a8217870d7405cf8cef0a5579852", approximateSize: "252 MiB"),
        KnownModel(name: "medium", bytes: 1_533_763_059, sha256: "6c14d5adee5f86394037b4e4e8b59f1673b6cee10e3cf0b11bbdbee79c156208", sha1: "fd9727b6e1217c2f614f9b698455c4ffd82463b4", approximateSize: "1.5 GiB"),
        KnownModel(name: "medium-q5_0", bytes: nil, sha256: nil, sha1: "7718d4c1ec62ca96998f058114db98236937490e", approximateSize: "514 MiB"),
        KnownModel(name: "medium-q8_0", bytes: nil, sha256: nil, sha1: "e66645948aff4bebbec71b3485c576f3d63af5d6", approximateSize: "785 MiB"),
        KnownModel(name: "medium.en", bytes: 1_533_774_781, sha256: "cc37e93478338ec7700281a7ac30a10128929eb8f427dda2e865faa8f6da4356", sha1: "8c30f0e44ce9560643ebd10bbe50cd20eafd3723", approximateSize: "1.5 GiB"),
        KnownModel(name: "medium.en-q5_0", bytes: nil, sha256: nil, sha1: "bb3b5281bddd61605d6fc76bc5b92d8f20284c3b", approximateSize: "514 MiB"),
        KnownModel(name: "medium.en-q8_0", bytes: nil, sha256: nil, sha1: "b1cf48c12c807e14881f634fb7b6c6ca867f6b38", approximateSize: "785 MiB"),
        KnownModel(name: "large-v1", bytes: nil, sha256: nil, sha1: "b1caaf735c4cc1429223d5a74f0f4d0b9b59a299", approximateSize: "2.9 GiB"),
        KnownModel(name: "large-v2", bytes: nil, sha256: nil, sha1: "0f4c8e34f21cf1a914c59d8b3ce882345ad349d6", approximateSize: "2.9 GiB"),
        KnownModel(name: "large-v2-q5_0", bytes: nil, sha256: nil, sha1: "00e39f2196344e901b3a2bd5814807a769bd1630", approximateSize: "1.1 GiB"),
        KnownModel(name: "large-v2-q8_0", bytes: nil, sha256: nil, sha1: "da97d6ca8f8ffbeeb5fd147f79010eeea194ba38", approximateSize: "1.5 GiB"),
        KnownModel(name: "large-v3", bytes: 3_095_033_483, sha256: "64d182b440b98d5203c4f9bd541544d84c605196c4f7b845dfa11fb23594d1e2", sha1: "ad82bf6a9043ceed055076d0fd39f5f186ff8062", approximateSize: "2.9 GiB"),
        KnownModel(name: "large-v3-q5_0", bytes: nil, sha256: nil, sha1: "e6e2ed78495d403bef4b7cff42ef4aaadcfea8de", approximateSize: "1.1 GiB"),
        KnownModel(name: "large-v3-turbo", bytes: 1_624_555_275, sha256: "1fc70f774d38eb169993ac391eea357ef47c88757ef72ee5943879b7e8e2bc69", sha1: "4af2b29d7ec73d781377bfd1758ca957a807e941", approximateSize: "1.5 GiB"),
        KnownModel(name: "large-v3-turbo-q5_0", bytes: 574_041_195, sha256: "394221709cd5ad1f40c46e6031ca61bce88931e6e088c188294c6d5a55ffa7e2", sha1: "e050f7970618a659205450ad97eb95a18d69c9ee", approximateSize: "547 MiB"),
        KnownModel(name: "large-v3-turbo-q8_0", bytes: nil, sha256: nil, sha1: "01bf15bedffe9f39d65c1b6ff9b687ea91f59e0e", approximateSize: "834 MiB"),
    ]

    /// The model called `name`; `ggml-NAME.bin` (its file name) is accepted too.
    public static func named(_ name: String) -> KnownModel? {
        var key = name
        if key.hasPrefix("ggml-") && key.hasSuffix(".bin") {
            key = String(key.dropFirst(5).dropLast(4))
        }
        return all.first { $0.name == key }
    }
}
