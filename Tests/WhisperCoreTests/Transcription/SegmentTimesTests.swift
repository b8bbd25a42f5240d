import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Segment times are never negative and never before their window, even where the tokens give
/// no proper timestamps (without the timestamp rules, a random network emits timestamp tokens
/// anywhere, so a piece can start with a text token).
final class SegmentTimesTests: XCTestCase {
    func testWithoutTimestampRulesTimesStayInTheirWindow() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin")), threads: 2)
        let specials = transcriber.tokenizer.specialTokens
        let samples = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-long.wav"))
        var options = TranscriptionOptions()
        options.temperatures = [0]
        options.decoding.language = "en"
        options.decoding.withoutTimestamps = true
        var textFirstPieces = 0
        for offset in [0.0, 10, 20] {
            options.offset = offset
            let result = try transcriber.transcribe(samples: samples, options: options)
            for window in result.windows {
                let tokens = window.result.tokens
                let pairs = tokens.indices.dropLast().filter { specials.isTimestamp(tokens[$0]) && specials.isTimestamp(tokens[$0 + 1]) }
                if !pairs.isEmpty, let first = tokens.first, !specials.isTimestamp(first) { textFirstPieces += 1 }
            }
            for segment in result.segments {
                XCTAssertGreaterThanOrEqual(segment.start, offset, "\(segment)")
                XCTAssertGreaterThanOrEqual(segment.end, segment.start, "\(segment)")
                XCTAssertFalse(Timestamp.format(segment.start).contains("-"))
            }
        }
        XCTAssertGreaterThan(textFirstPieces, 0, "no window exercised the case")
    }
}
