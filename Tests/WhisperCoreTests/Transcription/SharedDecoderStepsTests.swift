import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Transcriptions side by side (`whisper-cli -p N`): decoder passes of several callers run as one
/// give each caller the bits it gets alone, and transcribers sharing their steps transcribe what
/// each transcribes alone, whoever they were decoded with.
final class SharedDecoderStepsTests: XCTestCase {
    override func setUp() { PlatformHost.install() }

    private func window(_ name: String, model: WhisperModel, network: WhisperNetwork,
                        executor: ParallelExecutor) throws -> CrossAttentionCache {
        let mel = try LogMelSpectrogram(filters: model.file.melFilters.weights, melCount: model.hyperparameters.nMels)
        let spectrogram = mel.compute(samples: try AudioLoader.loadMono16k(path: try SharedData.sample(name)))
        var frames = [Float](repeating: 0, count: spectrogram.melCount * 3000)
        try frames.withUnsafeMutableBufferPointer {
            try spectrogram.readWindow(start: 0, count: min(3000, spectrogram.contentFrames), into: $0)
        }
        return try frames.withUnsafeBufferPointer { try network.encodeWindow($0, executor: executor) }
    }

    /// Three callers in one pass — a 30-token prompt (multiplied alone), a 3-token start and five
    /// beams of one token (multiplied together) — then a step of one-token rows for all: every
    /// caller's logits bitwise those of `decode` alone on a cache of its own.
    func testPassesRunTogetherGiveEachCallerItsLogitsAlone() throws {
        let model = try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin"))
        let executor = ParallelExecutor(threads: 2)
        let network = try WhisperNetwork(weights: model.weights, hyperparameters: model.hyperparameters)
        let jfk = try window("jfk.wav", model: model, network: network, executor: executor)
        let short = try window("speech-short.wav", model: model, network: network, executor: executor)
        let decoder = network.decoder
        let sot = model.tokenizer.specialTokens.startOfTranscript
        let words = model.tokenizer.encode(" And so my fellow Americans, ask not what your country can do")
        let prompt = Array(Array(repeatElement(words, count: 3).joined()).prefix(29)) + [sot]
        XCTAssertEqual(prompt.count, 30)
        let first: [[TextDecoder.Step]] = [
            [.init(slot: 0, tokens: prompt, logitRows: [0, 29])],
            [.init(slot: 0, tokens: [sot, 400, 13])],
            (0..<5).map { .init(slot: $0, tokens: [sot]) },
        ]
        let second: [[TextDecoder.Step]] = [
            [.init(slot: 0, tokens: [290])],
            [.init(slot: 0, tokens: [318])],
            (0..<5).map { .init(slot: $0, tokens: [50 + $0]) },
        ]
        let crosses = [jfk, short, jfk]
        let slots = [1, 1, 5]
        // Alone: each caller on a cache of its own.
        var alone: [[[Float]]] = []
        for c in 0..<3 {
            let cache = try decoder.makeCache(slots: slots[c])
            alone.append([first[c], second[c]].map { Array(decoder.decode($0, cache: cache, cross: crosses[c], executor: executor)) })
        }
        // Together.
        let caches = try slots.map { try decoder.makeCache(slots: $0) }
        let nVocab = model.hyperparameters.nVocab
        for (stepIndex, steps) in [first, second].enumerated() {
            let passes = (0..<3).map { TextDecoder.Pass(steps: steps[$0], cache: caches[$0], cross: crosses[$0]) }
            let logits = Array(decoder.decode(passes: passes, executor: executor))
            XCTAssertEqual(logits.count, alone.map { $0[stepIndex].count }.reduce(0, +))
            var offset = 0
            for c in 0..<3 {
                let mine = Array(logits[offset..<(offset + alone[c][stepIndex].count)])
                XCTAssertBitwiseEqual(mine, alone[c][stepIndex], "caller \(c), step \(stepIndex)")
                offset += mine.count
            }
            XCTAssertEqual(offset % nVocab, 0)
        }
        XCTAssertEqual(caches.map(\.lengths), [[31], [4], [2, 2, 2, 2, 2]])
    }

    private func transcribeSideBySide(_ names: [String], options: TranscriptionOptions,
                                      controls: [TranscriptionControl?]) throws -> (results: [Result<TranscriptionResult, Error>], steps: SharedDecoderSteps) {
        let model = try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin"))
        let steps = SharedDecoderSteps(model: model, threads: 2)
        let transcribers = try names.map { _ in try Transcriber(model: model, threads: 1, sharing: steps) }
        let paths = try names.map { try SharedData.sample($0) }
        nonisolated(unsafe) var results = [Result<TranscriptionResult, Error>?](repeating: nil, count: names.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: names.count) { i in
            var mine = options
            mine.control = controls[i]
            let result = Result { try transcribers[i].transcribe(file: paths[i], options: mine) }
            lock.lock()
            results[i] = result
            lock.unlock()
        }
        return (results.map { $0 ?? .failure(CancellationError()) }, steps)
    }

    /// Three recordings transcribed at once with beam search and fallback (speech-long.wav has two
    /// windows and a previous-text prompt): the segments of each transcribed alone.
    func testTranscribersSharingStepsTranscribeWhatEachDoesAlone() throws {
        let names = ["jfk.wav", "speech-short.wav", "speech-long.wav"]
        let options = TranscriptionOptions()
        let (results, steps) = try transcribeSideBySide(names, options: options, controls: [nil, nil, nil])
        let model = try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin"))
        let alone = try Transcriber(model: model, threads: 2)
        for (name, result) in zip(names, results) {
            let expected = try alone.transcribe(file: try SharedData.sample(name), options: options)
            let got = try result.get()
            XCTAssertFalse(got.segments.isEmpty, name)
            XCTAssertEqual(got.segments, expected.segments, name)
        }
        let statistics = steps.statistics
        XCTAssertGreaterThan(statistics.steps, 0)
        XCTAssertGreaterThanOrEqual(statistics.rows, statistics.steps)
    }

    /// A transcription cancelled in the middle of its second window leaves the steps: the others
    /// finish (no wait for a caller that is gone) with the text they have alone.
    func testCancelledTranscriptionDoesNotHoldUpTheOthers() throws {
        let names = ["speech-long.wav", "jfk.wav"]
        // The control cancels itself when the seek loop reports progress before its second window.
        final class Box: @unchecked Sendable { var control: TranscriptionControl? }
        let box = Box()
        let selfCancelling = TranscriptionControl(onProgress: { fraction in if fraction > 0 { box.control?.cancel() } })
        box.control = selfCancelling
        let (results, _) = try transcribeSideBySide(names, options: TranscriptionOptions(), controls: [selfCancelling, nil])
        XCTAssertThrowsError(try results[0].get()) { error in
            XCTAssertEqual(error as? WhisperError, .cancelled)
        }
        let jfk = try results[1].get()
        XCTAssertTrue(jfk.segments.map(\.text).joined().contains("ask not what your country can do for you"))
    }
}
