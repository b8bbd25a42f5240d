/// The exact size of zlib's output for some bytes, computed without compressing them.
///
/// `byteCount(of:)` equals `len(zlib.compress(data))` in Python — zlib 1.2.13 at its default level 6,
/// window 32 KiB, memory level 8 — for every input: a 2-byte header, the DEFLATE stream, a 4-byte
/// Adler-32 checksum. The DEFLATE stream's length follows from zlib's parse
/// (``ZlibLazyMatcher``) and from the coding it picks for each block (``DeflateBlock``): stored
/// blocks start on a byte boundary, Huffman-coded blocks follow bit after bit, and the stream ends
/// on a byte boundary. No bits are written; they are only counted.
package enum ZlibCompressedSize {
    /// zlib's stream header: compression method and window, flags (level) with check bits.
    static let headerBytes = 2
    /// The Adler-32 checksum after the stream.
    static let trailerBytes = 4

    /// The length of `zlib.compress(bytes, 6)`.
    package static func byteCount(of bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { headerBytes + deflateByteCount($0) + trailerBytes }
    }

    /// The length of the raw DEFLATE stream zlib writes for `data` at level 6.
    static func deflateByteCount(_ data: UnsafeBufferPointer<UInt8>) -> Int {
        var bits = 0
        ZlibLazyMatcher.parse(data) { block, storedLength, storable, _ in
            let (coding, payload) = block.coding(storedLength: storedLength, storable: storable)
            bits += 3 // block header: last-block flag and coding
            if coding == .stored { bits = (bits + 7) & ~7 }
            bits += payload
        }
        return (bits + 7) >> 3
    }
}
