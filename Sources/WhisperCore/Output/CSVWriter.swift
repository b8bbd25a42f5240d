/// Comma-separated values (RFC 4180): a `start,end,text` header, then one row per segment with
/// start and end in whole milliseconds and the text in double quotes (an inner `"` doubled).
public struct CSVWriter: TranscriptWriter {
    public init() {}
    public var fileExtension: String { "csv" }

    public func render(_ transcript: Transcript) -> String {
        var out = "start,end,text\n"
        for segment in transcript.segments {
            let text = CueText.singleLine(segment.text).replacingAll("\"", with: "\"\"")
            out += "\(Timestamp.milliseconds(segment.start)),\(Timestamp.milliseconds(segment.end)),\"\(text)\"\n"
        }
        return out
    }
}

extension String {
    /// Every occurrence of `target` replaced (a Foundation-free `replacingOccurrences`).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}
