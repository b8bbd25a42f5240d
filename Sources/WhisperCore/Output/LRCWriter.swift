/// LRC lyrics: a `[by:...]` tag, then each segment's start as `[mm:ss.xx]` (minutes, seconds,
/// hundredths; minutes grow past 99 as needed) followed by its text.
public struct LRCWriter: TranscriptWriter {
    /// The `[by:]` tag's value.
    public var author: String

    public init(author: String = "WhisperSwift") {
        self.author = author
    }

    public var fileExtension: String { "lrc" }

    public func render(_ transcript: Transcript) -> String {
        var out = "[by:\(author)]\n"
        for segment in transcript.segments {
            out += "[\(Self.time(segment.start))]\(CueText.singleLine(segment.text))\n"
        }
        return out
    }

    /// `mm:ss.xx`, truncated to hundredths as whisper.cpp does.
    static func time(_ seconds: Double) -> String {
        let centiseconds = Timestamp.milliseconds(seconds) / 10
        let minutes = centiseconds / 6000
        let secs = centiseconds / 100 % 60
        return "\(Timestamp.pad(minutes, 2)):\(Timestamp.pad(secs, 2)).\(Timestamp.pad(centiseconds % 100, 2))"
    }
}
