import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The decoder's per-token matrices copied out of the mapped model file (`StreamedMatrices`): the
/// copies hold exactly the file's weights (f16 as `HalfPanels`, f32 byte for byte), and again after
/// being released and filled; block formats are re-laid out at load instead.
final class StreamedMatricesTests: XCTestCase {
    func testF16CopiesArePanelsHoldingTheFileWeightsAfterReleaseAndFill() throws {
        let model = try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin"))
        let original = model.weights.decoder
        let (prepared, copies) = original.preparedForDecoding()
        let copies2 = try XCTUnwrap(copies, "an f16 model mapped from its file gets copies")
        let pairs = [(original.tokenEmbedding, prepared.tokenEmbedding),
                     (original.blocks[0].mlpUp.weight, prepared.blocks[0].mlpUp.weight),
                     (original.blocks[1].selfAttention.key.weight, prepared.blocks[1].selfAttention.key.weight)]
        XCTAssertFalse(copies2.isFilled, "filled at the first window, not at load")
        copies2.fill()
        for (a, b) in pairs {
            XCTAssertNil(a.panels)
            XCTAssertNotNil(b.panels, "products read the panels")
            XCTAssertEqual(a.base, b.base, "the file's rows stay where they are")
            XCTAssertBitwiseEqual(b.dequantized(), a.dequantized(), "panels hold the file's weights")
        }
        // Cross-attention keys and values are projected once per window: not copied.
        XCTAssertNil(prepared.blocks[0].crossAttention.key.weight.panels)
        copies2.release()
        XCTAssertFalse(copies2.isFilled)
        copies2.fill(executor: ParallelExecutor(threads: 2))
        for (a, b) in pairs { XCTAssertBitwiseEqual(b.dequantized(), a.dequantized(), "after release and a fill on two threads") }
    }

    /// A quantized model's per-token matrices are `QuantizedPanels` made at load: nothing to copy.
    func testQuantizedModelNeedsNoCopies() throws {
        let model = try WhisperModel(path: try SharedData.model("nano-synthetic-q8_0.bin"))
        let (prepared, copies) = model.weights.decoder.preparedForDecoding()
        XCTAssertNil(copies)
        XCTAssertEqual(prepared.blocks[0].mlpUp.weight.type, .q8_0)
        XCTAssertNotNil(prepared.blocks[0].mlpUp.weight.quantizedPanels)
        XCTAssertNotNil(prepared.tokenEmbedding.quantizedPanels)
    }

    /// Matrices that are neither f16 nor block formats (f32) are copied byte for byte.
    func testOtherCopiesHoldTheSourceBytesAfterReleaseAndFill() throws {
        var random = TestRandom(seed: 9)
        let weights = try TestWeights(type: .f32, rows: 300, columns: 96, random: &random)
        let copies = try XCTUnwrap(StreamedMatrices([weights.matrix]))
        func bytes(_ m: WeightMatrix) -> [UInt8] { Array(UnsafeRawBufferPointer(start: m.base, count: m.rows * m.rowBytes)) }
        copies.fill()
        let copy = copies.matrix(0)
        XCTAssertNotEqual(copy.base, weights.matrix.base, "a copy")
        XCTAssertNil(copy.panels)
        XCTAssertEqual(bytes(copy), bytes(weights.matrix))
        copies.release()
        copies.fill(executor: ParallelExecutor(threads: 2))
        XCTAssertEqual(bytes(copies.matrix(0)), bytes(weights.matrix), "after release and a fill on two threads")
    }

    /// A decoder whose copies were released decodes the same logits (the forward pass fills them).
    func testDecodingAfterReleaseGivesTheSameLogits() throws {
        let model = try WhisperModel(path: try SharedData.model("nano-synthetic-f16.bin"))
        let h = model.hyperparameters
        let decoder = TextDecoder(weights: model.weights.decoder, hyperparameters: h)
        var random = TestRandom(seed: 5)
        let features = random.floats(h.nAudioCtx * h.nTextState)
        let executor = ParallelExecutor(threads: 2)
        let cross = try decoder.crossAttention(features: features, executor: executor)
        let tokens = [50258, 50259, 50359]
        func logits() throws -> [Float] {
            let cache = try decoder.makeCache(slots: 1)
            return Array(decoder.decode([.init(slot: 0, tokens: tokens)], cache: cache, cross: cross, executor: executor))
        }
        let first = try logits()
        decoder.releaseWeightCopies()
        XCTAssertBitwiseEqual(try logits(), first, "released copies are filled again before use")
    }
}
