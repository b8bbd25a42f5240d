import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// A model held in memory (`HeapBytes`, as the WebAssembly module holds it) has its decoder's f16
/// matrices rearranged into panels over their own bytes (`GGMLModelFile.halfPanelsInPlace`); a
/// mapped one copies them out (`StreamedMatrices`). Both must decode exactly alike.
final class ModelInMemoryTests: XCTestCase {
    /// A small f16 matrix whose rows (100) and columns (40) are not whole panels or vectors: the
    /// panels made in place equal the panels copied out, row by row and in products.
    func testPanelsInPlaceEqualCopiedPanels() throws {
        let (rows, columns) = (100, 40)
        var bits = [UInt16](repeating: 0, count: rows * columns)
        var generator = SeededGenerator(seed: 7)
        for i in bits.indices { bits[i] = HalfPrecision.bits(from: Float.random(in: -2...2, using: &generator)) }
        bits[5] = 0x7C00; bits[6] = 0xFE01; bits[7] = 0x0001                         // ∞, a NaN, a subnormal
        let owner = NSObject()
        let copiedStorage = UnsafeMutablePointer<UInt16>.allocate(capacity: HalfPanels.byteCount(rows: rows, columns: columns) / 2)
        defer { copiedStorage.deallocate() }
        let copied = HalfPanels(base: copiedStorage, rows: rows, columns: columns)
        let inPlace: (panels: HalfPanels, tail: UnsafeMutableRawPointer?) = try bits.withUnsafeMutableBytes { raw in
            let weight = WeightMatrix(type: .f16, rows: rows, columns: columns, base: UnsafeRawPointer(raw.baseAddress!), owner: owner)
            copied.fill(from: weight)
            return try XCTUnwrap(HalfPanels.rearrangingInPlace(weight))
        }
        defer { inPlace.tail.map { MemoryBudget.deallocate($0) } }
        XCTAssertNotNil(inPlace.tail, "100 rows end in a partial panel")
        var a = [Float](repeating: 0, count: columns), b = a
        for r in 0..<rows {
            copied.dequantizeRow(r, into: &a)
            inPlace.panels.dequantizeRow(r, into: &b)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "row \(r)")
        }
        let x = (0..<(5 * columns)).map { Float($0 % 7) - 3 }
        for j in 0..<copied.panelCount {
            let (s, t) = x.withUnsafeBufferPointer { (copied.timesRow(j, $0.baseAddress!), inPlace.panels.timesRow(j, $0.baseAddress!)) }
            for (u, v) in [(s.0, t.0), (s.1, t.1), (s.2, t.2), (s.3, t.3)] {
                XCTAssertEqual((0..<16).map { u[$0].bitPattern }, (0..<16).map { v[$0].bitPattern }, "panel \(j)")
            }
        }
    }

    /// The real tiny.en, mapped and read into memory: the same logits, bit for bit; a second model
    /// loaded from the same in-memory file (already rearranged) too.
    func testHeldInMemoryDecodesAsMapped() throws {
        let path = try SharedData.model("ggml-tiny.en.bin")
        let contents = try Data(contentsOf: URL(fileURLWithPath: path))
        let heap = try contents.withUnsafeBytes { try HeapBytes(copying: $0, path: path) }
        let heapFile = try GGMLModelFile(file: heap)
        let mapped = try WhisperModel(path: path)
        let inMemory = try WhisperModel(file: heapFile)
        XCTAssertNotNil(inMemory.weights.decoder.tokenEmbedding.panels, "the token embedding is in panels")
        let again = try WhisperModel(file: heapFile)
        let expected = try logits(mapped)
        XCTAssertEqual(try logits(inMemory), expected)
        XCTAssertEqual(try logits(again), expected)
    }

    /// Logits of a few steps on a made-up window, as bit patterns.
    private func logits(_ model: WhisperModel) throws -> [UInt32] {
        let h = model.hyperparameters
        // Any input will do: the two loads are compared with each other.
        let mel = (0..<(h.nMels * 3000)).map { Float(sin(Double($0) * 0.01)) * 0.8 }
        let executor = ParallelExecutor(threads: 2)
        let (decoder, cross) = try NetworkParityTests.decoderOnWindow(model, mel, executor: executor)
        let cache = try decoder.makeCache(slots: 5)
        let prompt = [50257, 50362]
        var out: [Float] = []
        // Five slots at once: the five-row products; then one slot: the one-row products.
        let steps = (0..<5).map { TextDecoder.Step(slot: $0, tokens: prompt + [440 + $0]) }
        out += decoder.decode(steps, cache: cache, cross: cross, executor: executor)
        out += decoder.decode([.init(slot: 0, tokens: [290])], cache: cache, cross: cross, executor: executor)
        return out.map(\.bitPattern)
    }
}
