import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The decoder's logits buffer (nVocab floats a row, 200 KB) grows with the logit rows asked for,
/// not with the tokens fed: a window's long previous-text prompt must not cost 224 rows (47 MB).
final class DecoderBufferTests: XCTestCase {
    func testLongPromptNeedsOnlyTheLogitRowsItAsksFor() throws {
        let model = try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin"))
        let transcriber = try Transcriber(model: model)
        let decoder = transcriber.decoder
        let features = [Float](repeating: 0.01, count: model.hyperparameters.nAudioCtx * model.hyperparameters.nAudioState)
        let cross = try decoder.crossAttention(features: features, executor: .serial)
        let cache = try decoder.makeCache(slots: 1)
        let prompt = Array(repeating: 440, count: 220)
        let logits = decoder.decode([.init(slot: 0, tokens: prompt, logitRows: [0, prompt.count - 1])],
                                    cache: cache, cross: cross, executor: .serial)
        XCTAssertEqual(logits.count, 2 * model.hyperparameters.nVocab)
        XCTAssertGreaterThanOrEqual(decoder.capacityRows, prompt.count)
        XCTAssertLessThanOrEqual(decoder.capacityLogitRows, 8)

        // Teacher forcing asks for every row: then the buffer does grow.
        cache.reset()
        let all = decoder.decode([.init(slot: 0, tokens: Array(prompt.prefix(20)), allLogits: true)],
                                 cache: cache, cross: cross, executor: .serial)
        XCTAssertEqual(all.count, 20 * model.hyperparameters.nVocab)
        XCTAssertEqual(decoder.capacityLogitRows, 20)
    }
}
