/// Tells what kind of file the first bytes of a non-WAV file suggest, for error messages
/// ("it looks like an MP3 file") that help a user who passed the wrong file.
enum FileSignature {
    /// A short phrase describing the file that starts with `head`.
    static func describe(_ head: [UInt8]) -> String {
        func starts(_ s: String) -> Bool { head.starts(with: Array(s.utf8)) }
        func at(_ offset: Int, _ s: String) -> Bool {
            head.count >= offset + s.utf8.count && Array(head[offset..<(offset + s.utf8.count)]) == Array(s.utf8)
        }
        if starts("lmgg") || starts("ggml") || starts("GGUF") || starts("ggjt") {
            return "it looks like a GGML/GGUF model file, not audio"
        }
        if starts("ID3") || (head.count >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
            return "it looks like an MP3 file"
        }
        if starts("fLaC") { return "it looks like a FLAC file" }
        if starts("OggS") { return "it looks like an Ogg (Vorbis/Opus) file" }
        if starts("FORM") && (at(8, "AIFF") || at(8, "AIFC")) { return "it looks like an AIFF file" }
        if at(4, "ftyp") { return "it looks like an MP4/M4A file" }
        if starts("RIFF") || starts("RIFX") || starts("RF64") {
            let type = head.count >= 12 ? String(decoding: head[8..<12], as: UTF8.self) : "?"
            return starts("RIFX") ? "a big-endian RIFX file" : "a RIFF file of type '\(type)', not 'WAVE'"
        }
        if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) {
            return "it looks like a Matroska/WebM file"
        }
        if looksLikeText(head) { return "it looks like a text file" }
        return "unrecognised content"
    }

    /// True when the bytes are printable UTF-8 text (with tabs and line breaks).
    static func looksLikeText(_ head: [UInt8]) -> Bool {
        guard !head.isEmpty else { return false }
        for b in head where b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return false }
        // Decoding would replace invalid UTF-8 by U+FFFD; a cut multi-byte character at the end is fine.
        let text = String(decoding: head.dropLast(3), as: UTF8.self)
        return !text.unicodeScalars.contains("\u{FFFD}")
    }
}
