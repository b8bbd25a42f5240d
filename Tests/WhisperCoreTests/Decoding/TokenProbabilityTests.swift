import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Each decoding strategy records, for every token it chose, the log-probability it had under the
/// filtered distribution at that step: checked against a step-by-step recomputation, and against
/// the sequence's total.
final class TokenProbabilityTests: XCTestCase {
    struct Setup {
        let transcriber: Transcriber
        let windowDecoder: WindowDecoder
        let cross: CrossAttentionCache
    }

    /// The nano model decoding over fixed pseudo-random audio features (no encoder run needed).
    func setup() throws -> Setup {
        let model = try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin"))
        let transcriber = try Transcriber(model: model, threads: 2)
        let h = model.hyperparameters
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let features = (0..<(h.nAudioCtx * h.nAudioState)).map { _ -> Float in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2000 - 1000) / 500
        }
        let cross = try transcriber.decoder.crossAttention(features: features, executor: transcriber.executor)
        let windowDecoder = try WindowDecoder(decoder: transcriber.decoder, tokenizer: transcriber.tokenizer,
                                          executor: transcriber.executor)
        return Setup(transcriber: transcriber, windowDecoder: windowDecoder, cross: cross)
    }

    func options(beam: Int? = nil, temperature: Float = 0, bestOf: Int? = nil) -> DecodingOptions {
        var o = DecodingOptions()
        o.sampleLength = 24
        o.beamSize = beam
        o.temperature = temperature
        o.bestOf = bestOf
        o.seed = 7
        return o
    }

    func testGreedyLogProbsMatchARecomputation() throws {
        let s = try setup()
        let o = options()
        let result = try s.windowDecoder.decode(cross: s.cross, prompt: [], options: o, language: "en")
        XCTAssertFalse(result.tokens.isEmpty)
        XCTAssertEqual(result.tokenLogProbs.count, result.tokens.count)

        // Teacher-forced: feed the same tokens, filter, log-softmax, read the chosen token's value.
        let decoder = s.transcriber.decoder, executor = s.transcriber.executor
        let filters = s.windowDecoder.logitFilters(options: o)
        let initial = s.windowDecoder.initialTokens(prompt: [], options: o, language: "en")
        let cache = try decoder.makeCache(slots: 1)
        var logits = Array(decoder.decode([.init(slot: 0, tokens: initial, logitRows: [initial.count - 1])],
                                          cache: cache, cross: s.cross, executor: executor))
        var sequence = initial
        for (k, token) in result.tokens.enumerated() {
            var row = logits
            row.withUnsafeMutableBufferPointer { for f in filters { f.apply(to: $0, tokens: sequence, sampleBegin: initial.count) } }
            let top = row.max()!
            let normalizer = Double(top) + log(row.reduce(0.0) { $0 + ($1 > -.infinity ? exp(Double($1 - top)) : 0) })
            XCTAssertEqual(Double(result.tokenLogProbs[k]), Double(row[token]) - normalizer, accuracy: 1e-4, "token \(k)")
            // Greedy picks the most likely token: its probability is at least 1 / vocabulary size.
            XCTAssertGreaterThanOrEqual(Double(result.tokenLogProbs[k]), -log(Double(row.count)) - 1e-4)
            sequence.append(token)
            logits = Array(decoder.decode([.init(slot: 0, tokens: [token])], cache: cache, cross: s.cross, executor: executor))
        }
        let sum = result.tokenLogProbs.reduce(0.0) { $0 + Double($1) }
        // The total also counts the end-of-text token, if the sequence ended with one.
        if result.tokens.count < 24 {
            XCTAssertGreaterThanOrEqual(sum, result.sumLogProb - 1e-4)
        } else {
            XCTAssertEqual(sum, result.sumLogProb, accuracy: 1e-4)
        }
    }

    func testBeamSearchAndSamplingRecordTheirChosenSequence() throws {
        let s = try setup()
        for o in [options(beam: 3), options(temperature: 1, bestOf: 2)] {
            let result = try s.windowDecoder.decode(cross: s.cross, prompt: [], options: o, language: "en")
            XCTAssertEqual(result.tokenLogProbs.count, result.tokens.count)
            XCTAssertTrue(result.tokenLogProbs.allSatisfy { $0 <= 0 && $0.isFinite })
            let sum = result.tokenLogProbs.reduce(0.0) { $0 + Double($1) }
            XCTAssertGreaterThanOrEqual(sum, result.sumLogProb - 1e-4, "the total adds the end-of-text token's (≤ 0)")
            XCTAssertLessThanOrEqual(sum - result.sumLogProb, 30, "and no more than a plausible end-of-text log-probability")
        }
    }
}
