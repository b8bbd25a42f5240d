import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Each output format against its specification, and against the layout of whisper.cpp's own
/// files for one run (`../shared/reference/formats/jfk.*`).
final class TranscriptWriterTests: XCTestCase {
    /// Segments with awkward content: quotes, a comma, markup characters, a line break, a tab,
    /// non-ASCII text, and times past an hour.
    let segments = [
        Segment(start: 0.72, end: 2.5, text: " Hello, \"world\".", tokens: []),
        Segment(start: 2.5, end: 61.004, text: " a < b & c > d\nsecond line", tokens: []),
        Segment(start: 3725.3456, end: 3730.0, text: " 日本語\tand ünïcödé", tokens: []),
    ]

    // MARK: whisper.cpp's layout

    /// The segments of whisper.cpp's JSON for the reference run.
    func referenceSegments() throws -> [Segment] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try SharedData.reference("formats/jfk.json")))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let transcription = try XCTUnwrap(json["transcription"] as? [[String: Any]])
        return try transcription.map { item in
            let offsets = try XCTUnwrap(item["offsets"] as? [String: Int])
            return Segment(start: Double(try XCTUnwrap(offsets["from"])) / 1000,
                           end: Double(try XCTUnwrap(offsets["to"])) / 1000,
                           text: try XCTUnwrap(item["text"] as? String), tokens: [])
        }
    }

    func reference(_ name: String) throws -> String {
        try String(contentsOfFile: try SharedData.reference("formats/\(name)"), encoding: .utf8)
    }

    func testLayoutMatchesWhisperCppForTheSameSegments() throws {
        let transcript = Transcript(segments: try referenceSegments())
        XCTAssertEqual(PlainTextWriter().render(transcript), try reference("jfk.txt"))
        XCTAssertEqual(SubRipWriter().render(transcript), try reference("jfk.srt"))
        XCTAssertEqual(WebVTTWriter().render(transcript), try reference("jfk.vtt"))
        XCTAssertEqual(CSVWriter().render(transcript), try reference("jfk.csv"))
        // LRC: the same lines after the [by:] tag, which names the program.
        let lrc = LRCWriter().render(transcript).split(separator: "\n", omittingEmptySubsequences: false)
        let expected = try reference("jfk.lrc").split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lrc.first, "[by:WhisperSwift]")
        XCTAssertEqual(Array(lrc.dropFirst()), Array(expected.dropFirst()))
        XCTAssertEqual(LRCWriter(author: "whisper.cpp").render(transcript), try reference("jfk.lrc"))
    }

    // MARK: SubRip

    func testSubRipNumberingTimesAndBlocks() {
        let srt = SubRipWriter().render(Transcript(segments: segments))
        XCTAssertTrue(srt.hasSuffix("\n\n"))
        let blocks = srt.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        XCTAssertEqual(blocks.count, segments.count, "a cue's text must not contain a blank line")
        let time = try! NSRegularExpression(pattern: #"^\d{2,}:\d{2}:\d{2},\d{3} --> \d{2,}:\d{2}:\d{2},\d{3}$"#)
        for (i, block) in blocks.enumerated() {
            let lines = block.components(separatedBy: "\n")
            XCTAssertEqual(lines[0], "\(i + 1)", "cues are numbered from 1")
            XCTAssertEqual(time.numberOfMatches(in: lines[1], range: NSRange(lines[1].startIndex..., in: lines[1])), 1, lines[1])
            XCTAssertFalse(lines[1].contains("."), "SRT uses a comma before the milliseconds")
        }
        XCTAssertTrue(srt.contains("00:00:00,720 --> 00:00:02,500\n Hello, \"world\".\n"))
        XCTAssertTrue(srt.contains("00:00:02,500 --> 00:01:01,004\n"))
        XCTAssertTrue(srt.contains("01:02:05,346 --> 01:02:10,000\n"))
        XCTAssertTrue(srt.contains(" a < b & c > d second line\n"), "line breaks become spaces")
    }

    // MARK: WebVTT

    func testWebVTTHeaderTimesAndEscaping() {
        let vtt = WebVTTWriter().render(Transcript(segments: segments))
        XCTAssertTrue(vtt.hasPrefix("WEBVTT\n\n"), "the file starts with the WEBVTT signature line and a blank line")
        let cues = vtt.dropFirst("WEBVTT\n\n".count).components(separatedBy: "\n\n").filter { !$0.isEmpty }
        XCTAssertEqual(cues.count, 3)
        let time = try! NSRegularExpression(pattern: #"^\d{2,}:\d{2}:\d{2}\.\d{3} --> \d{2,}:\d{2}:\d{2}\.\d{3}$"#)
        for cue in cues {
            let timing = cue.components(separatedBy: "\n")[0]
            XCTAssertEqual(time.numberOfMatches(in: timing, range: NSRange(timing.startIndex..., in: timing)), 1, timing)
            XCTAssertFalse(cue.dropFirst(timing.count).contains("-->"))
        }
        XCTAssertTrue(vtt.contains("00:00:00.720 --> 00:00:02.500\n"))
        XCTAssertTrue(vtt.contains("01:02:05.346 --> 01:02:10.000\n"))
        XCTAssertTrue(vtt.contains(" a &lt; b &amp; c &gt; d second line\n"), "cue text escapes < & >")
        XCTAssertTrue(vtt.contains(" 日本語\tand ünïcödé\n"))
    }

    // MARK: CSV and TSV

    /// A small RFC 4180 reader, written independently of the writer.
    func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); field = ""; rows.append(row); row = []
            } else {
                field.append(c)
            }
            i += 1
        }
        chars.removeAll()
        return rows
    }

    func testCSVQuotesAndMilliseconds() {
        let rows = parseCSV(CSVWriter().render(Transcript(segments: segments)))
        XCTAssertEqual(rows.first, ["start", "end", "text"])
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(rows[1], ["720", "2500", " Hello, \"world\"."])
        XCTAssertEqual(rows[2], ["2500", "61004", " a < b & c > d second line"])
        XCTAssertEqual(rows[3], ["3725346", "3730000", " 日本語\tand ünïcödé"])
    }

    func testTSVColumns() {
        let lines = TSVWriter().render(Transcript(segments: segments)).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[0], "start\tend\ttext")
        for line in lines { XCTAssertEqual(line.split(separator: "\t", omittingEmptySubsequences: false).count, 3, line) }
        XCTAssertEqual(lines[1], "720\t2500\tHello, \"world\".")
        XCTAssertEqual(lines[3], "3725346\t3730000\t日本語 and ünïcödé")
    }

    // MARK: LRC and text

    func testLRCTimes() {
        let lines = LRCWriter().render(Transcript(segments: segments)).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, ["[by:WhisperSwift]", "[00:00.72] Hello, \"world\".",
                               "[00:02.50] a < b & c > d second line", "[62:05.34] 日本語\tand ünïcödé"])
    }

    func testPlainTextOneTrimmedLinePerSegment() {
        XCTAssertEqual(PlainTextWriter().render(Transcript(segments: segments)),
                       "Hello, \"world\".\na < b & c > d second line\n日本語\tand ünïcödé\n")
    }

    func testNegativeAndNonFiniteTimesAreClamped() {
        let odd = [Segment(start: -16.5, end: .nan, text: " x", tokens: [])]
        XCTAssertTrue(SubRipWriter().render(Transcript(segments: odd)).contains("00:00:00,000 --> 00:00:00,000"))
        XCTAssertTrue(CSVWriter().render(Transcript(segments: odd)).contains("\n0,0,"))
    }

    func testFormatNames() {
        XCTAssertEqual(OutputFormat(name: "SRT"), .srt)
        XCTAssertEqual(OutputFormat(name: "json-full"), .json)
        XCTAssertNil(OutputFormat(name: "docx"))
        for format in OutputFormat.allCases { XCTAssertEqual(format.writer.fileExtension, format.rawValue) }
    }
}
