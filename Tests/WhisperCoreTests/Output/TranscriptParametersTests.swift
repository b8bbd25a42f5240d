import XCTest
@testable import WhisperCore

/// The `params` block of a JSON transcript, made from the options (whisper-cli and the WebAssembly
/// module share it).
final class TranscriptParametersTests: XCTestCase {
    func testParametersFollowTheOptions() {
        var o = TranscriptionOptions()
        o.decoding.task = .translate
        o.decoding.beamSize = 5
        o.temperatures = [0, 0.5]
        o.noSpeechThreshold = nil
        o.initialPrompt = "Hello."
        o.offset = 1.5
        o.duration = 2.25
        o.decoding.seed = 7
        let p = Dictionary(uniqueKeysWithValues: o.transcriptParameters(language: "auto", maxContext: 64, maxLength: 20, splitOnWord: true))
        XCTAssertEqual(p["language"], .string("auto"))
        XCTAssertEqual(p["translate"], .bool(true))
        XCTAssertEqual(p["beam_size"], .int(5))
        XCTAssertEqual(p["best_of"], .int(1), "nil: one candidate")
        XCTAssertEqual(p["temperatures"], .array([.float(0), .float(0.5)]))
        XCTAssertEqual(p["no_speech_threshold"], .null)
        XCTAssertEqual(p["prompt"], .string("Hello."))
        XCTAssertEqual(p["offset_ms"], .int(1500))
        XCTAssertEqual(p["duration_ms"], .int(2250))
        XCTAssertEqual(p["seed"], .int(7))
        XCTAssertEqual(p["max_context"], .int(64))
        XCTAssertEqual(p["max_len"], .int(20))
        XCTAssertEqual(p["split_on_word"], .bool(true))
        XCTAssertNil(p["threads"])
    }

    func testDefaultsAreWhisperCLIs() {
        let p = Dictionary(uniqueKeysWithValues: TranscriptionOptions().transcriptParameters(language: "en", maxContext: -1))
        XCTAssertEqual(p["duration_ms"], .int(0), "no duration: to the end")
        XCTAssertEqual(p["compression_ratio_threshold"], .number(2.4))
        XCTAssertEqual(p["max_len"], .int(0))
        XCTAssertEqual(p["split_on_word"], .bool(false))
    }
}
