import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// `TranscriptionControl`: cancelling stops the work within a window (and the decoder within a few
/// tokens); progress rises to 1. Real tiny.en on a 5-minute recording (10 windows).
final class CancellationTests: XCTestCase {
    /// Counts the calls of a progress handler, from any thread.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Double] = []
        func add(_ value: Double) { lock.lock(); values.append(value); lock.unlock() }
        var all: [Double] { lock.lock(); defer { lock.unlock() }; return values }
    }

    private func transcriber() throws -> Transcriber {
        try Transcriber(model: try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin")), threads: 2)
    }

    private func greedy(_ control: TranscriptionControl) -> TranscriptionOptions {
        var options = TranscriptionOptions()
        options.decoding.beamSize = 1
        options.temperatures = [0]
        options.control = control
        return options
    }

    func testCancellingFromTheSegmentCallbackStopsTheTranscription() throws {
        let transcriber = try transcriber()
        let samples = try LongRecording.speech(seconds: 300)
        let windows = Counter()
        let control = TranscriptionControl { windows.add($0) }
        var cancelledAt: UInt64 = 0
        var segments = 0
        XCTAssertThrowsError(try transcriber.transcribe(samples: samples, options: greedy(control)) { _ in
            segments += 1
            if cancelledAt == 0 {
                control.cancel()
                cancelledAt = DispatchTime.now().uptimeNanoseconds
            }
        }) { error in
            XCTAssertEqual(error as? WhisperError, .cancelled)
        }
        let stoppedAfter = Double(DispatchTime.now().uptimeNanoseconds - cancelledAt) / 1e9
        XCTAssertTrue(control.isCancelled)
        // Cancelled while the first window's segments were delivered: no second window ran.
        XCTAssertEqual(windows.all, [], "progress reported after cancelling: \(windows.all)")
        XCTAssertLessThan(stoppedAfter, 1, "the call returned \(stoppedAfter) s after cancel()")
        XCTAssertGreaterThan(segments, 0)
    }

    func testACancelledDecodeStopsBeforeItsFirstToken() throws {
        let transcriber = try transcriber()
        let h = transcriber.model.hyperparameters
        let samples = try AudioLoader.loadMono16k(path: try SharedData.sample("jfk.wav"))
        let mel = try LogMelSpectrogram(filters: transcriber.model.file.melFilters.weights, melCount: h.nMels)
            .compute(samples: samples, executor: transcriber.executor)
        var window = [Float](repeating: 0, count: h.nMels * 3000)
        try window.withUnsafeMutableBufferPointer { try mel.readWindow(start: 0, count: mel.contentFrames, into: $0) }
        let cross = try window.withUnsafeBufferPointer { try transcriber.network.encodeWindow($0, executor: transcriber.executor) }
        let decoder = try WindowDecoder(decoder: transcriber.decoder, tokenizer: transcriber.tokenizer, executor: transcriber.executor)
        let cancelled = TranscriptionControl()
        cancelled.cancel()
        for beams in [1, 5] {
            var options = DecodingOptions()
            options.beamSize = beams
            options.control = cancelled
            XCTAssertThrowsError(try decoder.decode(cross: cross, prompt: [], options: options, language: "en")) { error in
                XCTAssertEqual(error as? WhisperError, .cancelled, "beam size \(beams)")
            }
            options.control = TranscriptionControl()
            let result = try decoder.decode(cross: cross, prompt: [], options: options, language: "en")
            XCTAssertGreaterThan(result.tokens.count, 10, "beam size \(beams)")
        }
    }

    func testEndingTheAsyncSequenceEarlyStopsTheWork() async throws {
        let transcriber = try transcriber()
        let samples = try LongRecording.speech(seconds: 300)
        let windows = Counter()
        var options = greedy(TranscriptionControl { windows.add($0) })
        var received = 0
        for try await _ in transcriber.segments(samples: samples, options: options) {
            received += 1
            break
        }
        XCTAssertEqual(received, 1)
        // The transcriber runs one transcription at a time: this one starts once the abandoned one
        // has stopped. Had it not been stopped, it would have run all ten windows first.
        options.control = nil
        _ = try transcriber.transcribe(samples: [Float](repeating: 0, count: 16_000), options: options)
        XCTAssertLessThanOrEqual(windows.all.count, 2, "windows run after the sequence ended: \(windows.all)")
    }

    func testProgressRisesToOne() throws {
        let transcriber = try transcriber()
        let samples = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-long.wav"))
        let progress = Counter()
        _ = try transcriber.transcribe(samples: samples, options: greedy(TranscriptionControl { progress.add($0) }))
        let values = progress.all
        XCTAssertGreaterThanOrEqual(values.count, 3, "\(values)")
        XCTAssertEqual(values.last, 1)
        XCTAssertEqual(values, values.sorted())
        XCTAssertTrue(values.allSatisfy { $0 > 0 && $0 <= 1 }, "\(values)")
    }

    func testEachWindowIsReportedAsItIsDecoded() throws {
        let transcriber = try transcriber()
        let samples = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-long.wav"))
        final class Records: @unchecked Sendable { var all: [WindowRecord] = [] }
        let records = Records()
        var segmentsBefore: [Int] = []   // segments delivered when each window was reported
        var delivered = 0
        let control = TranscriptionControl(onWindow: { records.all.append($0); segmentsBefore.append(delivered) })
        let result = try transcriber.transcribe(samples: samples, options: greedy(control)) { _ in delivered += 1 }
        XCTAssertGreaterThanOrEqual(records.all.count, 2)
        XCTAssertEqual(records.all, result.windows, "the reported windows are the result's")
        XCTAssertEqual(segmentsBefore.first, 0, "a window is reported before its segments")
        XCTAssertEqual(records.all.map(\.start), records.all.map(\.start).sorted())
        for record in records.all {
            XCTAssertFalse(record.result.tokens.isEmpty)
            XCTAssertEqual(record.result.tokenLogProbs.count, record.result.tokens.count)
            XCTAssertTrue(record.result.tokenLogProbs.allSatisfy { $0 <= 0 })
            XCTAssertEqual(record.start, Double(record.seek) / 100, accuracy: 1e-9)
        }
    }
}
