/// How well a text compresses: `bytes / zlib-compressed bytes`. Whisper uses it to spot a window
/// stuck repeating itself (a ratio above 2.4 triggers a hotter retry).
///
/// No zlib here: this is a DEFLATE size computation of our own — LZ77 with hash chains (32 KiB window,
/// matches of 3…258 bytes, lazy matching as zlib's default level does) coded with the fixed Huffman
/// tables, plus zlib's 2-byte header and 4-byte checksum. zlib may choose dynamic tables on long
/// inputs, so the ratio can differ slightly from Python's `zlib.compress` there; it is exact in the
/// structure that matters, repetition.
public enum CompressionRatio {
    public static func of(_ text: String) -> Double {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return 0 }
        let compressedBits = deflateBits(bytes)
        let compressedBytes = 2 + (compressedBits + 7) / 8 + 4
        return Double(bytes.count) / Double(compressedBytes)
    }

    /// Bits of one final fixed-Huffman DEFLATE block holding `data`.
    static func deflateBits(_ data: [UInt8]) -> Int {
        let n = data.count
        let window = 32 * 1024
        var head = [Int](repeating: -1, count: 1 << 15)
        var previous = [Int](repeating: -1, count: n)
        var bits = 3 // block header

        func hash(_ i: Int) -> Int {
            (Int(data[i]) << 10 ^ Int(data[i + 1]) << 5 ^ Int(data[i + 2])) & 0x7FFF
        }
        func insert(_ i: Int) {
            guard i + 2 < n else { return }
            let h = hash(i)
            previous[i] = head[h]
            head[h] = i
        }
        func longestMatch(at i: Int) -> (length: Int, distance: Int) {
            guard i + 2 < n else { return (0, 0) }
            var candidate = head[hash(i)]
            var best = (length: 0, distance: 0)
            var chain = 128
            while candidate >= 0, i - candidate <= window, chain > 0 {
                var length = 0
                while length < 258, i + length < n, data[candidate + length] == data[i + length] { length += 1 }
                if length > best.length { best = (length, i - candidate) }
                candidate = previous[candidate]
                chain -= 1
            }
            return best.length >= 3 ? best : (0, 0)
        }

        var i = 0
        while i < n {
            var match = longestMatch(at: i)
            if match.length > 0 && i + 1 < n {
                // Lazy matching: prefer a longer match starting one byte later.
                insert(i)
                let later = longestMatch(at: i + 1)
                if later.length > match.length {
                    bits += literalBits(data[i])
                    i += 1
                    match = later
                } else {
                    bits += matchBits(length: match.length, distance: match.distance)
                    for j in (i + 1)..<(i + match.length) { insert(j) }
                    i += match.length
                    continue
                }
            }
            if match.length > 0 {
                insert(i)
                bits += matchBits(length: match.length, distance: match.distance)
                for j in (i + 1)..<(i + match.length) { insert(j) }
                i += match.length
            } else {
                insert(i)
                bits += literalBits(data[i])
                i += 1
            }
        }
        return bits + 7 // end-of-block code
    }

    private static func literalBits(_ byte: UInt8) -> Int { byte < 144 ? 8 : 9 }

    private static func matchBits(length: Int, distance: Int) -> Int {
        // Length codes 257…285 with their extra bits; codes 257–279 take 7 bits, 280–287 take 8.
        let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                          67, 83, 99, 115, 131, 163, 195, 227, 258]
        let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        var code = lengthBase.count - 1
        while lengthBase[code] > length { code -= 1 }
        let lengthSymbolBits = (257 + code) < 280 ? 7 : 8
        // Distance codes 0…29: 5 bits each plus extra bits.
        var distanceExtra = 0
        var d = distance - 1
        while d >= 4 { d >>= 1; distanceExtra += 1 }
        return lengthSymbolBits + lengthExtra[code] + 5 + distanceExtra
    }
}
