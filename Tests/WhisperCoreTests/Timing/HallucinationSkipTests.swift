import XCTest
@testable import WhisperCore

/// OpenAI's `hallucination_silence_threshold` rule (`HallucinationSkip`) on windows built by hand.
final class HallucinationSkipTests: XCTestCase {
    func word(_ text: String, _ start: Double, _ end: Double, p: Double = 0.9) -> WordTiming {
        WordTiming(word: text, start: start, end: end, probability: p, tokens: [])
    }

    func segment(_ words: [WordTiming]) -> Segment {
        var s = Segment(start: words.first?.start ?? 0, end: words.last?.end ?? 0,
                        text: words.map(\.word).joined(), tokens: [])
        s.words = words
        return s
    }

    /// Four sure words of 0.4 s from `start`.
    func speech(_ start: Double) -> Segment {
        segment((0..<4).map { word(" w\($0)", start + 0.4 * Double($0), start + 0.4 * Double($0 + 1)) })
    }

    /// Three unlikely words: a hallucination's look.
    func suspect(_ start: Double) -> Segment {
        segment((0..<3).map { word(" h\($0)", start + 0.3 * Double($0), start + 0.3 * Double($0 + 1), p: 0.05) })
    }

    func testWordScores() {
        XCTAssertEqual(HallucinationSkip.anomalyScore(word(" a", 0, 0.5, p: 0.9)), 0)
        XCTAssertEqual(HallucinationSkip.anomalyScore(word(" a", 0, 0.5, p: 0.1)), 1)
        XCTAssertEqual(HallucinationSkip.anomalyScore(word(" a", 0, 0.033, p: 0.9)), 1.5, accuracy: 1e-9)
        XCTAssertEqual(HallucinationSkip.anomalyScore(word(" a", 0, 3.5, p: 0.9)), 1.5, accuracy: 1e-9)
    }

    func testSegmentAnomaly() {
        XCTAssertTrue(HallucinationSkip.isAnomaly(suspect(0)))
        XCTAssertFalse(HallucinationSkip.isAnomaly(speech(0)))
        XCTAssertFalse(HallucinationSkip.isAnomaly(nil))
        // Punctuation does not count: one sure word and an unlikely comma is speech.
        XCTAssertFalse(HallucinationSkip.isAnomaly(segment([word(" yes", 0, 0.5), word(",", 0.5, 0.6, p: 0.01)])))
    }

    func apply(_ segments: inout [Segment], seek: inout Int, threshold: Double = 2) -> Bool {
        HallucinationSkip(threshold: threshold).apply(
            to: &segments, seek: &seek, baseTime: 0, timeOffset: 0, previousSeek: 0, size: 3000,
            contentFrames: 6000, singleTimestampEnding: false, lastSpeechTimestamp: 0)
    }

    func testSuspectTextBetweenSilencesIsDroppedAndTheLoopResumesThere() {
        var segments = [speech(0.5), suspect(20)]
        var seek = 0
        XCTAssertTrue(apply(&segments, seek: &seek))
        XCTAssertEqual(segments.count, 1, "the suspect segment is dropped")
        XCTAssertEqual(seek, 2000, "resume at the dropped segment's start")
    }

    func testSpeechIsKept() {
        var segments = [speech(0.5), speech(14), speech(27)]
        var seek = 0
        XCTAssertTrue(apply(&segments, seek: &seek))
        XCTAssertEqual(segments.count, 3)
        XCTAssertEqual(seek, 3000, "the last word ends within the threshold of the window's end: a whole window on")
    }

    func testSuspectFirstSegmentAfterLongSilenceDropsTheWindow() {
        var segments = [suspect(10), speech(15)]
        var seek = 0
        XCTAssertFalse(apply(&segments, seek: &seek))
        XCTAssertEqual(seek, 1000, "skip the 10 s of silence before it")
    }

    func testSuspectTextNextToSpeechIsKept() {
        var segments = [speech(0.5), suspect(2.2), speech(3.5)]
        var seek = 0
        XCTAssertTrue(apply(&segments, seek: &seek))
        XCTAssertEqual(segments.count, 3)
        XCTAssertEqual(seek, Int((5.1 * 100).rounded()), "resume after the last word: more than 2 s of the window left")
    }
}
