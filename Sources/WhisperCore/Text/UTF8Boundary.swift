/// Where UTF-8 text may be cut. Whisper's byte-level tokens can split a character: `"日"` is
/// three bytes that may come as two or three tokens. Streaming output must hold such a
/// character back until its last byte arrives.
public enum UTF8Boundary {
    /// How many bytes at the end of `bytes` are the start of a character whose remaining bytes
    /// have not arrived yet: 0 when the bytes end on a character boundary (or end in bytes that
    /// no continuation could make valid), otherwise 1–3.
    ///
    /// "Could become valid" follows Unicode's well-formed UTF-8 table, so a surrogate (`ED A0`)
    /// or an overlong form (`E0 80`, `C0`) never counts as incomplete.
    public static func incompleteSuffixLength<Bytes: BidirectionalCollection>(of bytes: Bytes) -> Int
    where Bytes.Element == UInt8 {
        // Find the last byte that is not a continuation byte (10xxxxxx), at most 3 bytes back:
        // a character has at most 4 bytes, so a longer unfinished tail cannot exist.
        var index = bytes.endIndex
        var trailing = 0
        while index != bytes.startIndex && trailing < 4 {
            index = bytes.index(before: index)
            trailing += 1
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {
                let needed = sequenceLength(lead: byte)
                guard needed > trailing else { return 0 }    // complete (or not a lead byte)
                // Check the second byte's range; further continuation bytes are 80–BF anyway.
                if trailing >= 2 {
                    let second = bytes[bytes.index(after: index)]
                    guard secondByteRange(lead: byte).contains(second) else { return 0 }
                }
                return trailing
            }
        }
        return 0
    }

    /// Whether `bytes` end inside a character (see `incompleteSuffixLength(of:)`).
    public static func endsInsideCharacter<Bytes: BidirectionalCollection>(_ bytes: Bytes) -> Bool
    where Bytes.Element == UInt8 {
        incompleteSuffixLength(of: bytes) > 0
    }

    /// The length of the sequence a lead byte begins; 0 for bytes that cannot begin one.
    static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0x00 ... 0x7F: return 1
        case 0xC2 ... 0xDF: return 2
        case 0xE0 ... 0xEF: return 3
        case 0xF0 ... 0xF4: return 4
        default: return 0           // continuation bytes, C0, C1 (overlong), F5–FF
        }
    }

    /// The allowed second bytes after a multi-byte lead (Unicode's table of well-formed UTF-8):
    /// the narrower ranges exclude overlong forms, surrogates and code points above U+10FFFF.
    static func secondByteRange(lead: UInt8) -> ClosedRange<UInt8> {
        switch lead {
        case 0xE0: return 0xA0 ... 0xBF
        case 0xED: return 0x80 ... 0x9F
        case 0xF0: return 0x90 ... 0xBF
        case 0xF4: return 0x80 ... 0x8F
        default: return 0x80 ... 0xBF
        }
    }
}
