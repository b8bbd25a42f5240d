import WhisperCore

/// GPT-2's printable spelling of bytes: the vocabularies of Hugging Face and CTranslate2 write
/// each BPE token as text in which every byte is one character — printable ASCII and Latin-1
/// bytes as themselves, the others (space, control bytes, ...) as U+0100 onwards (" " is "Ġ").
/// GGML files hold the bytes themselves.
enum GPT2ByteText {
    /// Byte → its character's scalar value.
    static let scalarOfByte: [UInt32] = {
        var printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var scalars = printable.map(UInt32.init)
        var next: UInt32 = 256
        for byte in 0..<256 where !printable.contains(byte) {
            printable.append(byte)
            scalars.append(next)
            next += 1
        }
        var table = [UInt32](repeating: 0, count: 256)
        for (byte, scalar) in zip(printable, scalars) { table[byte] = scalar }
        return table
    }()

    static let byteOfScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in scalarOfByte.enumerated() { map[scalar] = UInt8(byte) }
        return map
    }()

    /// The bytes a token's text spells; nil when it holds a character outside the spelling.
    static func bytes(of text: String) -> [UInt8]? {
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            guard let byte = byteOfScalar[scalar.value] else { return nil }
            out.append(byte)
        }
        return out
    }

    /// A token's text for its bytes.
    static func text(of bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes { out.unicodeScalars.append(Unicode.Scalar(scalarOfByte[Int(byte)])!) }
        return out
    }

    /// The vocabulary as GGML files hold it: the BPE tokens in id order, byte-decoded, up to the
    /// first special token; the English vocabulary's 50,256 are followed by `<|endoftext|>` (as
    /// text), making 50,257 entries as the multilingual 50,257 tokens do. Throws on a token that is
    /// not byte-level text.
    static func ggmlVocabulary(_ tokens: [String], path: String) throws(ImportError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for (id, token) in tokens.enumerated() {
            if token.hasPrefix("<|") && token.hasSuffix("|>") {
                if out.count == 50256 { out.append(Array(token.utf8)) }
                break
            }
            guard let bytes = bytes(of: token) else {
                let shown = TerminalText.printable(String(token.prefix(40))) + (token.count > 40 ? "..." : "")
                throw ImportError(path: path, reason: "vocabulary token \(id) '\(shown)' is not GPT-2 byte-level text")
            }
            out.append(bytes)
        }
        return out
    }
}
