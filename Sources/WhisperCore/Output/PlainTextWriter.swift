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
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
