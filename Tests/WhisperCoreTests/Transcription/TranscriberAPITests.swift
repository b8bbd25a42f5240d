import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The library surface: callback and AsyncSequence deliver the same segments as the result,
/// and the fallback/threshold options do what they say.
final class TranscriberAPITests: XCTestCase {
    func makeTranscriber() throws -> (Transcriber, [Float]) {
        let model = try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin"))
        return (try Transcriber(model: model, threads: 2), try AudioLoader.loadMono16k(path: try SharedData.sample("speech-long.wav")))
    }

    func greedy() -> TranscriptionOptions {
        var options = TranscriptionOptions()
        options.temperatures = [0]
        options.decoding.language = "en"
        return options
    }

    func testCallbackAndAsyncSequenceMatchTheResult() async throws {
        let (transcriber, samples) = try makeTranscriber()
        var streamed: [Segment] = []
        let result = try transcriber.transcribe(samples: samples, options: greedy()) { streamed.append($0) }
        XCTAssertEqual(streamed, result.segments)
        XCTAssertGreaterThan(result.segments.count, 1)
        var asynchronous: [Segment] = []
        for try await segment in transcriber.segments(samples: samples, options: greedy()) { asynchronous.append(segment) }
        XCTAssertEqual(asynchronous, result.segments)
        // Segments are in order, within the recording, never negative.
        for (a, b) in zip(result.segments, result.segments.dropFirst()) { XCTAssertLessThanOrEqual(a.start, b.start) }
        XCTAssertTrue(result.segments.allSatisfy { $0.start >= 0 && $0.end >= $0.start && $0.end <= Double(samples.count) / 16000 + 30 })
    }

    func testAsyncSequenceOverAFileStreamsItFromDisk() async throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin")), threads: 2)
        let path = try SharedData.sample("speech-long.wav")
        let expected = try transcriber.transcribe(file: path, options: greedy()).segments
        var streamed: [Segment] = []
        for try await segment in transcriber.segments(file: path, options: greedy()) { streamed.append(segment) }
        XCTAssertEqual(streamed, expected)
        XCTAssertGreaterThan(streamed.count, 3)
        // A file that cannot be read ends the sequence with the specific error.
        do {
            for try await _ in transcriber.segments(file: "/nonexistent.wav") {}
            XCTFail("no error")
        } catch {
            guard case .cannotOpen? = error as? AudioError else { return XCTFail("\(error)") }
        }
    }

    func testFallbackRetriesHotterWhenTheResultLooksWrong() throws {
        let (transcriber, samples) = try makeTranscriber()
        var options = greedy()
        options.temperatures = [0, 0.5, 1.0]
        options.logProbThreshold = 10      // impossible: every attempt "fails", so all are tried
        options.noSpeechThreshold = nil
        options.decoding.bestOf = 2
        let result = try transcriber.transcribe(samples: Array(samples.prefix(16000 * 10)), options: options)
        XCTAssertEqual(result.windows.first?.result.temperature, 1.0)
        options.logProbThreshold = -100     // always passes at temperature 0
        let calm = try transcriber.transcribe(samples: Array(samples.prefix(16000 * 10)), options: options)
        XCTAssertEqual(calm.windows.first?.result.temperature, 0)
    }

    func testOffsetAndDurationSelectPartOfTheRecording() throws {
        let (transcriber, samples) = try makeTranscriber()
        var options = greedy()
        options.offset = 20
        options.duration = 15
        let result = try transcriber.transcribe(samples: samples, options: options)
        XCTAssertFalse(result.segments.isEmpty)
        // Times count from the start of the recording. (Like OpenAI's, an end time may run past the
        // clip: the model's last timestamp can point anywhere in its 30 s window.)
        XCTAssertTrue(result.segments.allSatisfy { $0.start >= 20 && $0.start < 35 }, "\(result.segments.map { ($0.start, $0.end) })")
        XCTAssertEqual(result.windows.count, 1)
    }

    func testSilenceIsSkippedByTheNoSpeechRule() throws {
        let (transcriber, _) = try makeTranscriber()
        var options = greedy()
        options.noSpeechThreshold = -1     // everything counts as silence unless the log-prob is good
        options.logProbThreshold = 0
        let result = try transcriber.transcribe(samples: [Float](repeating: 0, count: 16000 * 5), options: options)
        XCTAssertTrue(result.segments.isEmpty)
        XCTAssertEqual(result.windows.count, 1)
    }
}
