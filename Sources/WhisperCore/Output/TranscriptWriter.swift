/// Writes a transcript in one file format. Every writer is a plain value: render a transcript to a
/// string and save it wherever you like.
///
///     let srt = SubRipWriter().render(Transcript(segments: result.segments))
public protocol TranscriptWriter: Sendable {
    /// The file-name extension, without the dot (`srt`).
    var fileExtension: String { get }
    /// The whole file's contents.
    func render(_ transcript: Transcript) -> String
}

/// The formats whisper-cli writes, by their usual file extension.
public enum OutputFormat: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Plain text, one segment per line.
    case txt
    /// WebVTT subtitles.
    case vtt
    /// SubRip subtitles.
    case srt
    /// Lyrics with line times.
    case lrc
    /// Comma-separated `start,end,text` (milliseconds).
    case csv
    /// Tab-separated `start	end	text` (milliseconds), as OpenAI's Whisper writes it.
    case tsv
    /// Segments with times, text, tokens and their probabilities, and the run's parameters.
    case json

    public var description: String { rawValue }

    /// The format's writer: the format itself, which renders through the writer of its kind.
    public var writer: OutputFormat { self }

    /// The format named `name` (case-insensitive); `json-full` is accepted as `json`, which is
    /// always the full form.
    public init?(name: String) {
        let lower = name.lowercased()
        if lower == "json-full" { self = .json; return }
        guard let format = OutputFormat(rawValue: lower) else { return nil }
        self = format
    }
}

extension OutputFormat: TranscriptWriter {
    public var fileExtension: String { rawValue }

    public func render(_ transcript: Transcript) -> String {
        switch self {
        case .txt: return PlainTextWriter().render(transcript)
        case .vtt: return WebVTTWriter().render(transcript)
        case .srt: return SubRipWriter().render(transcript)
        case .lrc: return LRCWriter().render(transcript)
        case .csv: return CSVWriter().render(transcript)
        case .tsv: return TSVWriter().render(transcript)
        case .json: return JSONTranscriptWriter().render(transcript)
        }
    }
}

/// Helpers shared by the line-based writers.
enum CueText {
    /// A segment's text on one line: line breaks become spaces, so a cue never holds the blank
    /// line that would end it early.
    static func singleLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}
