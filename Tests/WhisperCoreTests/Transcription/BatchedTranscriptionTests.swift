import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Batched transcription: windows decoded together give what each gives alone; speech cut into
/// chunks of at most 30 s; segments on the recording's time line.
final class BatchedTranscriptionTests: XCTestCase {
    override func setUp() { PlatformHost.install() }

    // MARK: SpeechChunks

    private func segment(_ start: Double, _ end: Double) -> SpeechSegment {
        SpeechSegment(startCentiseconds: Int((start * 100).rounded()), endCentiseconds: Int((end * 100).rounded()))
    }

    private func seconds(_ chunks: [Range<Int>]) -> [[Double]] {
        chunks.map { [Double($0.lowerBound) / 16000, Double($0.upperBound) / 16000] }
    }

    func testChunksMergeSegmentsWhileTheyFitInThirtySeconds() {
        let speech = [segment(1, 5), segment(6, 20), segment(21, 30.5), segment(31, 40), segment(70, 75)]
        let chunks = SpeechChunks.chunks(of: speech, sampleCount: 80 * 16000)
        // 1 … 30.5 spans 29.5 s; with 31 … 40 it would span 39 s, and 31 … 75 spans 44 s.
        XCTAssertEqual(seconds(chunks), [[1, 30.5], [31, 40], [70, 75]])
    }

    func testLongSegmentIsCutIntoWholeWindowsAndItsRestMerges() {
        let speech = [segment(0, 70), segment(71, 75)]
        let chunks = SpeechChunks.chunks(of: speech, sampleCount: 80 * 16000)
        XCTAssertEqual(seconds(chunks), [[0, 30], [30, 60], [60, 75]])
        XCTAssertTrue(chunks.allSatisfy { $0.count <= 30 * 16000 })
    }

    func testOverlappingSegmentsShareNoAudioAndEndsAreClamped() {
        let speech = [segment(0, 29), segment(28.5, 40), segment(79, 90), segment(95, 99)]
        let chunks = SpeechChunks.chunks(of: speech, sampleCount: 80 * 16000)
        XCTAssertEqual(seconds(chunks), [[0, 29], [29, 40], [79, 80]])
        XCTAssertEqual(SpeechChunks.chunks(of: [], sampleCount: 100), [])
    }

    func testRestOfAChunkStartsAtTheFirstSpeechAfterItsTextEnded() {
        let s = 16000
        let speech = SpeechChunks.sampleRanges(of: [segment(0, 6), segment(6.5, 12), segment(13, 20), segment(21, 28)])
        let chunk = 0..<(28 * s)
        // Text ended at 12.03 s: the rest is 13 … 28 s (14 s of speech).
        XCTAssertEqual(SpeechChunks.rest(of: chunk, after: 12 * s + 480, speech: speech), (13 * s)..<(28 * s))
        // Text ended inside the segment 13 … 20: the rest starts with the next one.
        XCTAssertEqual(SpeechChunks.rest(of: chunk, after: 15 * s, speech: speech), (21 * s)..<(28 * s))
        // Text reached the last segment: nothing is left.
        XCTAssertNil(SpeechChunks.rest(of: chunk, after: 22 * s, speech: speech))
        // Less than a second of speech after the text is not decoded alone.
        let short = SpeechChunks.sampleRanges(of: [segment(0, 10), segment(11, 11.8)])
        XCTAssertNil(SpeechChunks.rest(of: 0..<(12 * s), after: 10 * s, speech: short))
        XCTAssertEqual(SpeechChunks.rest(of: 0..<(12 * s), after: 10 * s, speech: short, minimumSpeech: 0.5), (11 * s)..<(12 * s))
        // Speech past the chunk's end counts only up to it; a rest never starts at the chunk's start.
        XCTAssertNil(SpeechChunks.rest(of: 0..<(21 * s + s / 2), after: 20 * s, speech: speech))
        XCTAssertNil(SpeechChunks.rest(of: chunk, after: 0, speech: speech))
        XCTAssertEqual(SpeechChunks.rest(of: (13 * s)..<(25 * s), after: 13 * s + 1, speech: speech), (21 * s)..<(25 * s))
    }

    // MARK: Windows decoded together

    /// Three windows of real speech decoded together, in one batch and in batches of one, and each on
    /// its own through `decode`, greedily and by beam search: the same tokens, the same no-speech
    /// probability.
    func testWindowsDecodedTogetherEqualEachDecodedAlone() throws {
        let model = try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin"))
        let executor = ParallelExecutor(threads: 2)
        let network = try WhisperNetwork(weights: model.weights, hyperparameters: model.hyperparameters)
        let windowDecoder = try WindowDecoder(decoder: network.decoder, tokenizer: model.tokenizer, executor: executor)
        let mel = try LogMelSpectrogram(filters: model.file.melFilters.weights, melCount: model.hyperparameters.nMels)
        var crosses: [CrossAttentionCache] = []
        for name in ["jfk.wav", "speech-short.wav", "speech-long.wav"] {
            let spectrogram = mel.compute(samples: try AudioLoader.loadMono16k(path: try SharedData.sample(name)))
            var window = [Float](repeating: 0, count: spectrogram.melCount * 3000)
            try window.withUnsafeMutableBufferPointer {
                try spectrogram.readWindow(start: 0, count: min(3000, spectrogram.contentFrames), into: $0)
            }
            crosses.append(try window.withUnsafeBufferPointer { try network.encodeWindow($0, executor: executor) })
        }
        for beamSize in [1, 5] {
            var options = DecodingOptions()
            options.language = "en"
            options.beamSize = beamSize
            let together = try windowDecoder.decodeTogether(crosses: crosses, options: options, language: "en")
            XCTAssertEqual(together.count, 3)
            for (i, cross) in crosses.enumerated() {
                let alone = try windowDecoder.decode(cross: cross, prompt: [], options: options, language: "en")
                let batchOfOne = try windowDecoder.decodeTogether(crosses: [cross], options: options, language: "en")[0]
                XCTAssertGreaterThan(alone.tokens.count, 10)
                XCTAssertEqual(together[i].tokens, alone.tokens, "beam \(beamSize), window \(i)")
                XCTAssertEqual(batchOfOne.tokens, alone.tokens, "beam \(beamSize), window \(i)")
                XCTAssertEqual(together[i].noSpeechProbability, alone.noSpeechProbability, accuracy: 1e-4)
                XCTAssertEqual(together[i].averageLogProb, alone.averageLogProb, accuracy: 1e-3)
                XCTAssertEqual(together[i].tokenLogProbs.count, together[i].tokens.count)
            }
        }
    }

    // MARK: Transcriber

    private func batched(_ size: Int) throws -> TranscriptionOptions {
        var options = TranscriptionOptions()
        options.batchSize = size
        options.vad = VADOptions(modelPath: try SharedData.model("silero-v6.2.0-ggml.bin"))
        return options
    }

    /// speech-long.wav from 20 s to 49 s is one chunk, and tiny.en's text for it stops at its timestamp
    /// 25.07 s, before the last sentence (25.6 … 29 s): that sentence is decoded as the chunk's rest,
    /// greedily and by beam search (without it, it was lost).
    func testSpeechAfterAChunksLastTimestampIsDecodedAsItsRest() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin")),
                                          threads: 2)
        let speech = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-long.wav"))
        let clip = Array(speech[(20 * 16000)..<(49 * 16000)])
        for beamSize in [1, 5] {
            var options = try batched(8)
            options.decoding.beamSize = beamSize
            let result = try transcriber.transcribe(samples: clip, options: options)
            XCTAssertEqual(result.windows.count, 2, "beam \(beamSize): the chunk and its rest")
            XCTAssertEqual(result.windows.last?.start ?? 0, 25.6, accuracy: 0.1)
            let last = try XCTUnwrap(result.segments.last)
            XCTAssertTrue(last.text.contains("folder"), "beam \(beamSize): \(last.text)")
            XCTAssertGreaterThanOrEqual(last.start, 25.5)
            XCTAssertLessThanOrEqual(last.end, 29.01)
            XCTAssertTrue(result.segments.dropLast().allSatisfy { $0.end <= last.start }, "in order")
        }
    }

    /// jfk.wav, 31 s of silence, speech-short.wav, silence, jfk.wav: a chunk for each, on the recording's
    /// time line, each chunk's text the same whether decoded with the others or alone.
    func testRecordingIsTranscribedChunkByChunkOnItsTimeLine() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin")),
                                          threads: 2)
        let jfk = try AudioLoader.loadMono16k(path: try SharedData.sample("jfk.wav"))
        let short = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-short.wav"))
        let pause = [Float](repeating: 0, count: 16000 * 31)      // no two clips in one chunk
        let recording = jfk + pause + short + pause + jfk
        var reported: [Segment] = []
        let together = try transcriber.transcribe(samples: recording, options: try batched(3)) { reported.append($0) }
        XCTAssertEqual(reported, together.segments)
        XCTAssertEqual(together.windows.count, 3)
        let oneByOne = try transcriber.transcribe(samples: recording, options: try batched(2))
        XCTAssertEqual(together.segments.map(\.text), oneByOne.segments.map(\.text))
        let starts = together.windows.map(\.start)
        XCTAssertEqual(starts[0], 0, accuracy: 0.6)
        let secondStart = Double(jfk.count + pause.count) / 16000
        XCTAssertEqual(starts[1], secondStart, accuracy: 0.6)
        XCTAssertEqual(starts[2], Double(jfk.count + short.count + 2 * pause.count) / 16000, accuracy: 0.6)
        // The second JFK is the first one's text, later by the offset of its chunk.
        let text = together.segments.map(\.text).joined()
        XCTAssertEqual(text.components(separatedBy: "ask not what your country can do for you").count, 3, text)
        for segment in together.segments {
            XCTAssertLessThanOrEqual(segment.start, segment.end)
            XCTAssertLessThanOrEqual(segment.end, Double(recording.count) / 16000 + 0.01)
        }
        let last = together.segments.filter { $0.start >= starts[2] }
        XCTAssertFalse(last.isEmpty)
        XCTAssertTrue(last.map(\.text).joined().contains("your country"))
    }

    /// A file goes through the batched path too (not the streamed seek loop).
    func testFileIsTranscribedInBatches() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin")),
                                          threads: 2)
        let path = try SharedData.sample("jfk.wav")
        var options = try batched(4)
        if !FileManager.default.fileExists(atPath: VADOptions.defaultModelPath) {
            options.vad = nil                           // batching finds the speech with the default model location…
            XCTAssertThrowsError(try transcriber.transcribe(file: path, options: options)) { error in
                XCTAssertTrue("\(error)".contains(VADOptions.defaultModelPath), "\(error)")
            }
        }
        options = try batched(4)                        // …or the one given
        let fromFile = try transcriber.transcribe(file: path, options: options)
        let fromSamples = try transcriber.transcribe(samples: try AudioLoader.loadMono16k(path: path), options: options)
        XCTAssertEqual(fromFile.segments, fromSamples.segments)
        XCTAssertEqual(fromFile.windows.count, 1)
        XCTAssertGreaterThan(fromFile.windows[0].start, 0)   // the chunk starts where the speech does
    }

    func testWithoutAVADModelTheErrorSaysWhichModel() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin")))
        var options = TranscriptionOptions()
        options.batchSize = 4
        options.vad = VADOptions(modelPath: "/nonexistent/vad.bin")
        XCTAssertThrowsError(try transcriber.transcribe(samples: [Float](repeating: 0, count: 16000), options: options)) { error in
            guard case WhisperError.vadModel = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("/nonexistent/vad.bin"), "\(error)")
        }
    }
}
