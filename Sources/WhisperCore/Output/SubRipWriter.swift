/// SubRip (`.srt`) subtitles: numbered cues from 1, times as `hh:mm:ss,mmm` (comma before the
/// milliseconds), the text, and a blank line after each cue.
///
///     1
///     00:00:00,720 --> 00:00:27,240
///      And so my fellow Americans...
///
public struct SubRipWriter: TranscriptWriter {
    public init() {}
    public var fileExtension: String { "srt" }

    public func render(_ transcript: Transcript) -> String {
        var out = ""
        for (i, cue) in SubtitleCues.cues(transcript.segments, layout: transcript.subtitleLayout).enumerated() {
            out += "\(i + 1)\n"
            out += "\(Timestamp.format(cue.start, separator: ",")) --> \(Timestamp.format(cue.end, separator: ","))\n"
            out += cue.pieces.map { $0.underlined ? "<u>\($0.text)</u>" : $0.text }.joined() + "\n\n"
        }
        return out
    }
}
