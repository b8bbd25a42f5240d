import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Replays the reference's decoding window by window with teacher forcing: feed the reference's
/// prompt and tokens, and at every step check that our filtered logits choose the reference's token
/// wherever our margin between the two best is above 1e-3 (below it, float32 rounding may
/// legitimately pick the other token). Also checks each window's no-speech probability.
final class DecodingReplayTests: XCTestCase {
    struct ReferenceWindow {
        var seek: Int
        var prompt: [Int]
        var tokens: [Int]
        var noSpeechProbability: Double
        var averageLogProb: Double
    }

    static func windows(_ name: String, folder: String = "openai") throws -> [ReferenceWindow] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try SharedData.reference("\(folder)/\(name).json")))
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let windows = json["windows"] as? [[String: Any]] else {
            throw NSError(domain: "replay", code: 1, userInfo: [NSLocalizedDescriptionKey: "bad reference JSON \(name)"])
        }
        return windows.map {
            ReferenceWindow(seek: $0["seek"] as? Int ?? 0, prompt: $0["prompt"] as? [Int] ?? [],
                            tokens: $0["tokens"] as? [Int] ?? [],
                            noSpeechProbability: $0["no_speech_prob"] as? Double ?? 0,
                            averageLogProb: $0["avg_logprob"] as? Double ?? 0)
        }
    }

    static func replay(model modelName: String, sample: String, referenceCase: String,
                task: DecodingTask = .transcribe, language: String = "en", folder: String = "openai") throws {
        let model = try WhisperModel(path: try SharedData.model(modelName + ".bin"))
        let transcriber = try Transcriber(model: model, threads: 2)
        let specials = transcriber.tokenizer.specialTokens
        let samples = try AudioLoader.loadMono16k(path: try SharedData.sample(sample + ".wav"))
        let h = model.hyperparameters
        let mel = try LogMelSpectrogram(filters: model.file.melFilters.weights, melCount: h.nMels)
            .compute(samples: samples, executor: transcriber.executor)
        let contentFrames = mel.frameCount - 3000
        var options = DecodingOptions()
        options.task = task
        options.language = language
        let windowDecoder = try WindowDecoder(decoder: transcriber.decoder, tokenizer: transcriber.tokenizer, executor: transcriber.executor)
        let filters = windowDecoder.logitFilters(options: options)

        var checked = 0, skipped = 0
        for window in try Self.windows("\(modelName).\(sample).\(referenceCase)", folder: folder) {
            let size = min(3000, contentFrames - window.seek)
            var frames = [Float](repeating: 0, count: h.nMels * 3000)
            for m in 0..<h.nMels { for t in 0..<size { frames[m * 3000 + t] = mel.values[m * mel.frameCount + window.seek + t] } }
            let features = frames.withUnsafeBufferPointer { transcriber.encoder.encode(mel: $0.baseAddress!, executor: transcriber.executor) }
            let cross = try transcriber.decoder.crossAttention(features: features, executor: transcriber.executor)
            let cache = try transcriber.decoder.makeCache(slots: 1)
            let sot = window.prompt.firstIndex(of: specials.startOfTranscript)!
            var logits = Array(transcriber.decoder.decode([.init(slot: 0, tokens: window.prompt, logitRows: [sot, window.prompt.count - 1])],
                                                          cache: cache, cross: cross, executor: transcriber.executor))
            let nVocab = h.nVocab
            let noSpeech = logits.withUnsafeBufferPointer { l -> Double in
                let row = UnsafeBufferPointer(rebasing: l[0..<nVocab])
                return exp(Double(row[specials.noSpeech] - logSumExp(row)))
            }
            XCTAssertEqual(noSpeech, window.noSpeechProbability, accuracy: 1e-3, "\(modelName) seek \(window.seek): no-speech probability")
            logits = Array(logits[nVocab...])

            // The reference stopped at end-of-text unless it ran out of samples.
            var expected = window.tokens
            if expected.count < h.nTextCtx / 2 { expected.append(specials.endOfText) }
            var sequence = window.prompt
            for (step, token) in expected.enumerated() {
                let (best, margin) = logits.withUnsafeMutableBufferPointer { row -> (Int, Float) in
                    for f in filters { f.apply(to: row, tokens: sequence, sampleBegin: window.prompt.count) }
                    return TokenSampler.topTwo(UnsafeBufferPointer(row))
                }
                if margin > 1e-3 {
                    XCTAssertEqual(best, token, "\(modelName).\(sample).\(referenceCase) seek \(window.seek) step \(step): margin \(margin)")
                    checked += 1
                } else {
                    skipped += 1
                }
                sequence.append(token)
                if token == specials.endOfText || sequence.count > h.nTextCtx { break }
                logits = Array(transcriber.decoder.decode([.init(slot: 0, tokens: [token])], cache: cache, cross: cross,
                                                          executor: transcriber.executor))
            }
        }
        print("\(modelName).\(sample).\(referenceCase): \(checked) choices checked, \(skipped) near ties skipped")
        XCTAssertGreaterThan(checked, 0)
    }

    func testNanoQ4_0() throws { try Self.replay(model: "nano-synthetic-q4_0", sample: "jfk", referenceCase: "greedy") }
    func testNanoQ4_1() throws { try Self.replay(model: "nano-synthetic-q4_1", sample: "jfk", referenceCase: "greedy") }
    func testNanoQ5_0() throws { try Self.replay(model: "nano-synthetic-q5_0", sample: "jfk", referenceCase: "greedy") }
    func testNanoQ5_1() throws { try Self.replay(model: "nano-synthetic-q5_1", sample: "jfk", referenceCase: "greedy") }
    func testNanoQ8_0() throws { try Self.replay(model: "nano-synthetic-q8_0", sample: "jfk", referenceCase: "greedy") }
    func testNanoV3() throws { try Self.replay(model: "nano-v3-synthetic-f16", sample: "jfk", referenceCase: "greedy") }
    func testNanoTranslateGerman() throws {
        try Self.replay(model: "nano-synthetic-f16", sample: "jfk", referenceCase: "translate-de", task: .translate, language: "de")
    }
    func testNanoSpeechLong() throws { try Self.replay(model: "nano-synthetic-f16", sample: "speech-long", referenceCase: "greedy") }
    func testTinyEnSpeechShort() throws { try Self.replay(model: "tiny.en-synthetic-f16", sample: "speech-short", referenceCase: "greedy") }
    func testTinyEnSpeechLongNoContext() throws {
        try Self.replay(model: "tiny.en-synthetic-f16", sample: "speech-long", referenceCase: "no-context")
    }
}
