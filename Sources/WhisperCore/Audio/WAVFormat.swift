/// The sample layout a WAV file declares in its `fmt ` chunk, checked for what this decoder reads.
///
/// Read are uncompressed PCM (unsigned 8-bit; signed 16-, 24- and 32-bit little-endian) and IEEE
/// float (32- and 64-bit), in the classic `WAVEFORMAT`/`WAVEFORMATEX` layouts and in
/// `WAVE_FORMAT_EXTENSIBLE` (format code 0xFFFE) whose sub-format GUID names PCM or float.
/// Samples narrower than their container (a 20-bit sample in 3 bytes) sit in the container's high
/// bits, so they are decoded by container size.
public struct WAVFormat: Equatable, Sendable {
    /// How one sample is stored; the container size in bytes is `bytesPerSample`.
    public enum SampleEncoding: Equatable, Sendable, CustomStringConvertible {
        case unsignedInt8
        case signedInt16
        case signedInt24
        case signedInt32
        case float32
        case float64

        public var bytesPerSample: Int {
            switch self {
            case .unsignedInt8: return 1
            case .signedInt16: return 2
            case .signedInt24: return 3
            case .signedInt32, .float32: return 4
            case .float64: return 8
            }
        }

        public var description: String {
            switch self {
            case .unsignedInt8: return "unsigned 8-bit PCM"
            case .signedInt16: return "signed 16-bit PCM"
            case .signedInt24: return "signed 24-bit PCM"
            case .signedInt32: return "signed 32-bit PCM"
            case .float32: return "32-bit float"
            case .float64: return "64-bit float"
            }
        }
    }

    /// Sample rates accepted from a file header (1 kHz to 768 kHz); anything else is taken for a
    /// corrupt header rather than audio.
    public static let supportedSampleRates: ClosedRange<Int> = 1_000...768_000

    public let encoding: SampleEncoding
    public let channelCount: Int
    public let sampleRate: Int
    /// Significant bits per sample as declared (may be fewer than the container holds).
    public let bitsPerSample: Int
    /// Bytes per frame (one sample of every channel).
    public var bytesPerFrame: Int { channelCount * encoding.bytesPerSample }

    public init(encoding: SampleEncoding, channelCount: Int, sampleRate: Int, bitsPerSample: Int) {
        self.encoding = encoding
        self.channelCount = channelCount
        self.sampleRate = sampleRate
        self.bitsPerSample = bitsPerSample
    }

    // Format codes (the `wFormatTag` field) this decoder recognises by name.
    static let pcmCode: UInt16 = 0x0001
    static let floatCode: UInt16 = 0x0003
    static let extensibleCode: UInt16 = 0xFFFE

    /// Names of common codecs, for messages about files that use them.
    static func codecName(_ code: UInt16) -> String {
        switch code {
        case 0x0000: return "an unknown codec"
        case 0x0002: return "Microsoft ADPCM"
        case 0x0006: return "A-law"
        case 0x0007: return "µ-law"
        case 0x0011: return "IMA ADPCM"
        case 0x0022: return "DSP Group TrueSpeech"
        case 0x0031: return "GSM 6.10"
        case 0x0040: return "G.721 ADPCM"
        case 0x0050: return "MPEG audio"
        case 0x0055: return "MP3"
        case 0x00FF, 0x1610: return "AAC"
        case 0x0161, 0x0162, 0x0163: return "Windows Media Audio"
        case 0x2000: return "AC-3"
        case 0xF1AC: return "FLAC"
        default: return "an unsupported codec"
        }
    }

    /// The tail every standard sub-format GUID shares (`XXXXXXXX-0000-0010-8000-00AA00389B71`,
    /// where the first two bytes are the format code), as stored in the file.
    static let guidTail: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                    0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    /// Parses and checks the body of a `fmt ` chunk of file `file`.
    static func parse(fmtChunk body: [UInt8], file: String) throws(AudioError) -> WAVFormat {
        guard body.count >= 16 else {
            throw AudioError.formatChunkTooShort(file: file, size: body.count, needed: 16)
        }
        func u16(_ at: Int) -> Int { Int(body[at]) | Int(body[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }

        var code = UInt16(u16(0))
        let channels = u16(2)
        let rate = u32(4)
        let blockAlign = u16(12)
        let bits = u16(14)
        var validBits = bits

        if code == extensibleCode {
            // WAVEFORMATEXTENSIBLE: cbSize(2) validBits(2) channelMask(4) subFormat GUID(16).
            guard body.count >= 40 else {
                throw AudioError.formatChunkTooShort(file: file, size: body.count, needed: 40)
            }
            let guid = Array(body[24..<40])
            guard Array(guid[2...]) == guidTail else {
                throw AudioError.unsupportedSubFormat(file: file, guid: guidText(guid))
            }
            code = UInt16(Int(guid[0]) | Int(guid[1]) << 8)
            let declaredValid = u16(18)
            if declaredValid != 0 { validBits = declaredValid }  // 0 means "all bits"
        }

        guard code == pcmCode || code == floatCode else {
            throw AudioError.unsupportedEncoding(file: file, formatCode: code, name: codecName(code))
        }
        guard channels > 0 else {
            throw AudioError.invalidChannelCount(file: file, channels: channels)
        }
        guard supportedSampleRates.contains(rate) else {
            throw AudioError.invalidSampleRate(file: file, rate: rate)
        }

        // The container size is what the data holds; prefer the block alignment's word for it,
        // since some writers pad 24-bit samples into 4 bytes.
        let isFloat = code == floatCode
        let encodingName = isFloat ? "float" : "PCM"
        guard bits > 0 else {
            throw AudioError.unsupportedBitDepth(file: file, bits: bits, encoding: encodingName)
        }
        var containerBytes = (bits + 7) / 8
        if blockAlign != 0 && blockAlign != channels * containerBytes {
            // Containers wider than 8 bytes hold no format there is (a damaged header).
            guard blockAlign % channels == 0, blockAlign / channels >= containerBytes, blockAlign / channels <= 8 else {
                throw AudioError.invalidBlockAlign(file: file, blockAlign: blockAlign, channels: channels, bits: bits)
            }
            containerBytes = blockAlign / channels
        }
        guard validBits >= 1, validBits <= containerBytes * 8 else {
            throw AudioError.unsupportedBitDepth(file: file, bits: validBits, encoding: encodingName)
        }
        let encoding: SampleEncoding
        switch (isFloat, containerBytes) {
        case (false, 1): encoding = .unsignedInt8
        case (false, 2): encoding = .signedInt16
        case (false, 3): encoding = .signedInt24
        case (false, 4): encoding = .signedInt32
        case (true, 4) where bits == 32: encoding = .float32
        case (true, 8) where bits == 64: encoding = .float64
        default:
            throw AudioError.unsupportedBitDepth(file: file, bits: bits, encoding: encodingName)
        }
        return WAVFormat(encoding: encoding, channelCount: channels, sampleRate: rate, bitsPerSample: validBits)
    }

    /// A GUID in its usual text form, from its little-endian storage.
    static func guidText(_ g: [UInt8]) -> String {
        func hex(_ bytes: [UInt8]) -> String {
            bytes.map { b in
                let s = String(b, radix: 16, uppercase: true)
                return s.count == 1 ? "0" + s : s
            }.joined()
        }
        return hex(g[0..<4].reversed()) + "-" + hex(g[4..<6].reversed()) + "-" + hex(g[6..<8].reversed())
            + "-" + hex(Array(g[8..<10])) + "-" + hex(Array(g[10..<16]))
    }
}
