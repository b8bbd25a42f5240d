/// WebVTT (`.vtt`) subtitles: the `WEBVTT` header and a blank line, then cues with times as
/// `hh:mm:ss.mmm` (dot before the milliseconds), the text, and a blank line.
///
/// Cue text is escaped as the WebVTT specification requires (`&`, `<`, `>` as character
/// references), which whisper.cpp does not do.
public struct WebVTTWriter: TranscriptWriter {
    public init() {}
    public var fileExtension: String { "vtt" }

    public func render(_ transcript: Transcript) -> String {
        var out = "WEBVTT\n\n"
        for cue in SubtitleCues.cues(transcript.segments, layout: transcript.subtitleLayout) {
            out += "\(Timestamp.format(cue.start)) --> \(Timestamp.format(cue.end))\n"
            out += cue.pieces.map { $0.underlined ? "<u>\(Self.escape($0.text))</u>" : Self.escape($0.text) }.joined() + "\n\n"
        }
        return out
    }

    static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return text }
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }
}
