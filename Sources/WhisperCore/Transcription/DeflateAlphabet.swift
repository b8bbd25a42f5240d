/// The symbol alphabets of DEFLATE (RFC 1951 §3.2.5–3.2.7): which code a match length or distance
/// maps to, how many extra bits follow it, and the code lengths of the fixed ("static") Huffman
/// tables. Only sizes matter here, so codes are never built, just counted.
enum DeflateAlphabet {
    /// Symbols of the literal/length alphabet that zlib uses: 256 literals, end-of-block, 29 length codes.
    static let literalLengthSymbols = 286
    /// Symbols of the distance alphabet.
    static let distanceSymbols = 30
    /// Symbols of the code-length alphabet (lengths 0…15, repeat codes 16, 17, 18).
    static let codeLengthSymbols = 19

    static let endOfBlock = 256
    static let minMatch = 3
    static let maxMatch = 258

    /// The longest code in the literal/length and distance trees.
    static let maxCodeLength = 15
    /// The longest code in the code-length tree.
    static let maxCodeLengthCodeLength = 7

    /// The length code (0…28, i.e. symbol 257…285) of each match length 3…258, indexed by `length - 3`.
    /// Length 258 has two encodings (code 27 with extra bits 31, or code 28); zlib uses code 28.
    static let lengthCode: [UInt8] = (0...(maxMatch - minMatch)).map { offset -> UInt8 in
        if offset == maxMatch - minMatch { return 28 }
        if offset < 8 { return UInt8(offset) }
        let top = Int.bitWidth - 1 - offset.leadingZeroBitCount // ≥ 3
        return UInt8(4 * (top - 1) + ((offset >> (top - 2)) & 3))
    }

    /// Extra bits after each length code 0…28.
    static let lengthExtraBits: [Int] = (0..<29).map { code in
        code < 8 || code == 28 ? 0 : (code - 4) / 4
    }

    /// Extra bits after each distance code 0…29.
    static let distanceExtraBits: [Int] = (0..<30).map { code in code < 4 ? 0 : code / 2 - 1 }

    /// Extra bits after each code-length symbol: 16 repeats 3–6 times (2 bits), 17 writes 3–10
    /// zeros (3 bits), 18 writes 11–138 zeros (7 bits).
    static let codeLengthExtraBits: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7]

    /// The order in which a dynamic block header lists the code lengths of the code-length alphabet;
    /// trailing zeros in this order are not sent.
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// The distance code (0…29) of a match distance 1…32768.
    @inline(__always)
    static func distanceCode(_ distance: Int) -> Int {
        let d = distance - 1
        if d < 4 { return d }
        let top = Int.bitWidth - 1 - d.leadingZeroBitCount // ≥ 2
        return 2 * top + ((d >> (top - 1)) & 1)
    }

    /// Bits of a literal/length symbol in the fixed Huffman table (RFC 1951 §3.2.6).
    @inline(__always)
    static func fixedLiteralLengthBits(_ symbol: Int) -> Int {
        switch symbol {
        case 0..<144: return 8
        case 144..<256: return 9
        case 256..<280: return 7
        default: return 8
        }
    }

    /// Bits of every distance symbol in the fixed Huffman table.
    static let fixedDistanceBits = 5
}
