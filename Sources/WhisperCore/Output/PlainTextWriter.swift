/// Plain text: each segment's text on its own line, without the leading space Whisper's tokens
/// carry (as whisper.cpp's `-otxt` writes it).
public struct PlainTextWriter: TranscriptWriter {
    public init() {}
    public var fileExtension: String { "txt" }

    public func render(_ transcript: Transcript) -> String {
        var out = ""
        for segment in transcript.segments {
            out += CueText.singleLine(segment.text).trimmingWhitespace() + "\n"
        }
        return out
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and (unless kept) line breaks.
    func trimmingWhitespace(keepingNewlines: Bool = false) -> String {
        func trimmed(_ c: Character) -> Bool { c.isWhitespace && !(keepingNewlines && c.isNewline) }
        var s = Substring(self)
        while let c = s.first, trimmed(c) { s.removeFirst() }
        while let c = s.last, trimmed(c) { s.removeLast() }
        return String(s)
    }

    /// Whether `other` occurs in this string, compared character by character (Python's `in`).
    func containsSubstring(_ other: String) -> Bool {
        let needle = Array(other), haystack = Array(self)
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }
}
