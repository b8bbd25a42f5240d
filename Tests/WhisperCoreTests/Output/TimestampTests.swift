import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// hh:mm:ss.mmm past one hour, past 100 hours, and never negative.
final class TimestampTests: XCTestCase {
    func testUnderAnHour() {
        XCTAssertEqual(Timestamp.format(0), "00:00:00.000")
        XCTAssertEqual(Timestamp.format(11.0), "00:00:11.000")
        XCTAssertEqual(Timestamp.format(59 * 60 + 59.9994), "00:59:59.999")
        XCTAssertEqual(Timestamp.format(125.5, alwaysIncludeHours: false), "02:05.500")
    }

    func testPastOneHour() {
        XCTAssertEqual(Timestamp.format(59 * 60 + 59.9996), "01:00:00.000")   // rounds up into the hour
        XCTAssertEqual(Timestamp.format(3600), "01:00:00.000")
        XCTAssertEqual(Timestamp.format(3600 + 62.345), "01:01:02.345")
        XCTAssertEqual(Timestamp.format(2 * 3600 - 0.001), "01:59:59.999")
        XCTAssertEqual(Timestamp.format(7199.98, separator: ","), "01:59:59,980")
        // Without forced hours, they appear as soon as there are any.
        XCTAssertEqual(Timestamp.format(3661.5, alwaysIncludeHours: false), "01:01:01.500")
        XCTAssertEqual(Timestamp.format(10 * 3600 + 0.02), "10:00:00.020")
    }

    func testPastOneHundredHours() {
        XCTAssertEqual(Timestamp.format(100 * 3600), "100:00:00.000")
        XCTAssertEqual(Timestamp.format(123 * 3600 + 45 * 60 + 6.789), "123:45:06.789")
        XCTAssertEqual(Timestamp.format(9999 * 3600 + 59 * 60 + 59.999, separator: ","), "9999:59:59,999")
    }

    func testNeverNegative() {
        for t in [-0.0, -0.0004, -0.001, -1, -3600, -987.28, -.infinity, .nan] {
            XCTAssertEqual(Timestamp.milliseconds(t), 0, "\(t)")
            XCTAssertEqual(Timestamp.format(t), "00:00:00.000", "\(t)")
            XCTAssertEqual(Timestamp.format(t, alwaysIncludeHours: false), "00:00.000", "\(t)")
            XCTAssertFalse(Timestamp.format(t, separator: ",").contains("-"))
        }
    }

    func testHugeValuesDoNotTrap() {
        for t in [1e300, .infinity, Double(Int.max)] {
            let text = Timestamp.format(t)
            XCTAssertFalse(text.contains("-"), text)
            XCTAssertTrue(text.hasSuffix(".807"), text)   // Int.max milliseconds
        }
    }
}

/// Every output format writes times past one hour and past 100 hours in full, and never a
/// negative time (whisper.cpp prints `00:-16:-47.-280` for some runs).
final class TranscriptTimesTests: XCTestCase {
    private let transcript = Transcript(segments: [
        Segment(start: -1007.28, end: 2.5, text: " before", tokens: []),          // a broken start
        Segment(start: 3661.5, end: 3725.25, text: " past an hour", tokens: []),
        Segment(start: 100 * 3600 + 0.02, end: 100 * 3600 + 61.999, text: " past a hundred", tokens: []),
    ], language: "en")

    private func render(_ format: OutputFormat) -> String { format.writer.render(transcript) }

    func testSubtitles() {
        let srt = render(.srt)
        XCTAssertTrue(srt.contains("1\n00:00:00,000 --> 00:00:02,500\n"), srt)
        XCTAssertTrue(srt.contains("2\n01:01:01,500 --> 01:02:05,250\n"), srt)
        XCTAssertTrue(srt.contains("3\n100:00:00,020 --> 100:01:01,999\n"), srt)
        let vtt = render(.vtt)
        XCTAssertTrue(vtt.contains("00:00:00.000 --> 00:00:02.500\n"), vtt)
        XCTAssertTrue(vtt.contains("01:01:01.500 --> 01:02:05.250\n"), vtt)
        XCTAssertTrue(vtt.contains("100:00:00.020 --> 100:01:01.999\n"), vtt)
    }

    func testLyricsCountMinutesOn() {
        let lrc = render(.lrc)
        XCTAssertTrue(lrc.contains("[00:00.00] before\n"), lrc)
        XCTAssertTrue(lrc.contains("[61:01.50] past an hour\n"), lrc)
        XCTAssertTrue(lrc.contains("[6000:00.02] past a hundred\n"), lrc)
    }

    func testMillisecondColumns() {
        let csv = render(.csv)
        XCTAssertTrue(csv.contains("0,2500,\" before\"\n"), csv)
        XCTAssertTrue(csv.contains("3661500,3725250,\" past an hour\"\n"), csv)
        XCTAssertTrue(csv.contains("360000020,360061999,"), csv)
        let tsv = render(.tsv)
        XCTAssertTrue(tsv.contains("0\t2500\tbefore\n"), tsv)
        XCTAssertTrue(tsv.contains("3661500\t3725250\tpast an hour\n"), tsv)
    }

    func testJSON() {
        let json = render(.json)
        XCTAssertTrue(json.contains("\"from\": \"01:01:01,500\""), json)
        XCTAssertTrue(json.contains("\"to\": \"100:01:01,999\""), json)
        XCTAssertTrue(json.contains("\"from\": 3661500"), json)
        XCTAssertTrue(json.contains("\"from\": \"00:00:00,000\""), json)
        XCTAssertTrue(json.contains("\"from\": 0,\n"), json)
    }

    func testNoFormatWritesANegativeTime() {
        for format in OutputFormat.allCases {
            let text = render(format)
            XCTAssertFalse(text.contains(":-") || text.contains("-1007") || text.contains("-1"), "\(format): \(text)")
        }
    }
}
