import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// `TranscriptionOptions.vad`: only speech is transcribed, and times land on the original recording.
final class VADTranscriptionTests: XCTestCase {
    // Memory limits, files and the clock come from the platform host (installed by its entry points,
    // but these tests may run before any of them).
    override func setUp() { PlatformHost.install() }

    func vadOptions() throws -> VADOptions {
        VADOptions(modelPath: try SharedData.model("silero-v6.2.0-ggml.bin"))
    }

    func greedy() -> TranscriptionOptions {
        var options = TranscriptionOptions()
        options.temperatures = [0]
        options.decoding.beamSize = nil
        options.decoding.language = "en"
        return options
    }

    func testSilenceGivesNoSegments() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin")))
        var options = greedy()
        options.vad = try vadOptions()
        var reported: [Segment] = []
        let result = try transcriber.transcribe(samples: try AudioLoader.loadMono16k(path: try SharedData.sample("silence-5s.wav")),
                                                options: options) { reported.append($0) }
        XCTAssertEqual(result.segments, [])
        XCTAssertEqual(reported, [])
        XCTAssertEqual(result.windows.count, 0)
        XCTAssertGreaterThan(result.timings.vad, 0)
    }

    /// With VAD, the result is the transcript of the packed speech with every time mapped back.
    func testJFKIsThePackedSpeechMappedBack() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin")))
        let audio = try AudioLoader.loadMono16k(path: try SharedData.sample("jfk.wav"))
        var options = greedy()
        options.vad = try vadOptions()
        var reported: [Segment] = []
        let result = try transcriber.transcribe(samples: audio, options: options) { reported.append($0) }

        let speech = SpeechSegments.detect(in: audio, vad: SileroVAD(model: try options.vad!.loadModel()))
        let timeline = SpeechTimeline(samples: audio, segments: speech)
        XCTAssertEqual(timeline.samples.count, 135_200)   // 7.85 s of speech + 3 × 0.1 s overlap + 3 × 0.1 s silence
        let packed = try transcriber.transcribe(samples: timeline.samples, options: greedy())

        XCTAssertFalse(result.segments.isEmpty)
        XCTAssertEqual(result.segments.map(\.text), packed.segments.map(\.text))
        XCTAssertEqual(reported, result.segments)
        for (segment, plain) in zip(result.segments, packed.segments) {
            let expected = timeline.originalInterval(start: plain.start, end: plain.end)
            XCTAssertEqual(segment.start, expected.start)
            XCTAssertEqual(segment.end, expected.end)
            // Inside the speech whisper.cpp found (0.32 s … 10.62 s).
            XCTAssertGreaterThanOrEqual(segment.start, 0.32)
            XCTAssertLessThanOrEqual(segment.end, 10.62)
            XCTAssertLessThan(segment.start, segment.end)
        }
    }

    /// Offset and duration pick the part of the recording VAD looks at; times stay on the original.
    func testOffsetAppliesBeforeVAD() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin")))
        let audio = try AudioLoader.loadMono16k(path: try SharedData.sample("jfk.wav"))
        var options = greedy()
        options.vad = try vadOptions()
        options.offset = 5
        let result = try transcriber.transcribe(samples: audio, options: options)
        XCTAssertFalse(result.segments.isEmpty)
        XCTAssertGreaterThanOrEqual(result.segments.first?.start ?? 0, 5)
        XCTAssertLessThanOrEqual(result.segments.last?.end ?? 99, 11.01)
    }

    func testMissingModelIsATypedError() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin")))
        var options = greedy()
        options.vad = VADOptions(modelPath: "/nonexistent/silero.bin")
        XCTAssertThrowsError(try transcriber.transcribe(samples: [Float](repeating: 0, count: 16_000), options: options)) { error in
            XCTAssertEqual((specific(error) as? VADModelError)?.path, "/nonexistent/silero.bin")
        }
    }
}
