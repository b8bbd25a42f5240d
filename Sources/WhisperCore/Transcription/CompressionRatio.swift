/// How well a text compresses: its UTF-8 bytes over their zlib-compressed bytes. Whisper uses it to
/// spot a window stuck repeating itself (a ratio above 2.4 triggers a retry at a higher temperature).
///
/// OpenAI computes it as `len(b) / len(zlib.compress(b))`; the compressed length here is zlib's exact
/// one (``ZlibCompressedSize``), so fallback decisions agree with OpenAI's to the last byte.
public enum CompressionRatio {
    /// `len(b) / len(zlib.compress(b))` for the UTF-8 bytes `b` of `text`; 0 for an empty text.
    public static func of(_ text: String) -> Double {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return 0 }
        return Double(bytes.count) / Double(ZlibCompressedSize.byteCount(of: bytes))
    }
}
