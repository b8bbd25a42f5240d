/// Tab-separated values as OpenAI's Whisper writes them: a `start	end	text` header, then one row
/// per segment with start and end in whole milliseconds and the trimmed text, tabs replaced by
/// spaces.
public struct TSVWriter: TranscriptWriter {
    public init() {}
    public var fileExtension: String { "tsv" }

    public func render(_ transcript: Transcript) -> String {
        var out = "start\tend\ttext\n"
        for segment in transcript.segments {
            let text = CueText.singleLine(segment.text).trimmingWhitespace().replacingAll("\t", with: " ")
            out += "\(Timestamp.milliseconds(segment.start))\t\(Timestamp.milliseconds(segment.end))\t\(text)\n"
        }
        return out
    }
}
