import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// f16 matrices in the decoder's panel layout (`HalfPanels`): the layout holds every weight where it
/// should, and products over it are right, do not depend on the batch or thread count, and agree
/// with the other paths that read the same matrix.
final class HalfPanelsTests: XCTestCase {
    /// A random f16 matrix and its panels (kept alive together).
    private final class Fixture {
        let weights: TestWeights
        let storage: UnsafeMutableRawPointer
        let panels: HalfPanels

        init(rows: Int, columns: Int, seed: UInt64) throws {
            var random = TestRandom(seed: seed)
            weights = try TestWeights(type: .f16, rows: rows, columns: columns, random: &random)
            let bytes = HalfPanels.byteCount(rows: rows, columns: columns)
            storage = .allocate(byteCount: bytes, alignment: 64)
            storage.initializeMemory(as: UInt8.self, repeating: 0xFF, count: bytes)   // padding must be written
            panels = HalfPanels(base: storage.assumingMemoryBound(to: UInt16.self), rows: rows, columns: columns)
            panels.fill(from: weights.matrix)
        }

        deinit { storage.deallocate() }

        var matrix: WeightMatrix { weights.matrix.using(panels) }
    }

    private func product(_ x: [Float], rows n: Int, _ weight: WeightMatrix, bias: [Float]?, threads: Int = 2) -> [Float] {
        var out = [Float](repeating: .nan, count: n * weight.rows)
        x.withUnsafeBufferPointer { xp in
            bias.withOptionalPointer { bp in
                matmul(xp.baseAddress!, rows: n, weight: weight, bias: bp, into: &out, executor: ParallelExecutor(threads: threads))
            }
        }
        return out
    }

    func testPanelsHoldEveryWeightAndZeroPadding() throws {
        for (rows, columns) in [(100, 40), (64, 16), (7, 3), (130, 385)] {
            let f = try Fixture(rows: rows, columns: columns, seed: UInt64(rows * columns))
            let source = f.weights.matrix
            for j in 0..<f.panels.panelCount {
                let panel = f.panels.panel(j)
                for k in 0..<columns {
                    for lane in 0..<HalfPanels.width {
                        let r = j * HalfPanels.width + lane
                        let expected = r < rows ? source.row(r).loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self) : 0
                        if panel[k * HalfPanels.width + lane] != expected {
                            return XCTFail("\(rows)×\(columns): weight (\(r), \(k)) misplaced")
                        }
                    }
                }
            }
            var fromPanels = [Float](repeating: 0, count: columns), fromRows = fromPanels
            for r in [0, rows / 2, rows - 1] {
                f.matrix.dequantizeRow(r, into: &fromPanels)
                source.dequantizeRow(r, into: &fromRows)
                XCTAssertBitwiseEqual(fromPanels, fromRows, "row \(r) read back from the panels")
            }
        }
    }

    func testProductsMatchTheReferenceAndDoNotDependOnTheBatch() throws {
        for (m, k) in [(150, 72), (64, 384), (33, 1536), (200, 5)] {
            let f = try Fixture(rows: m, columns: k, seed: UInt64(m + k))
            var random = TestRandom(seed: 11)
            let n = 16
            let x = random.floats(n * k)
            let bias = random.floats(m)
            for withBias in [false, true] {
                let b = withBias ? bias : nil
                let all = product(x, rows: n, f.matrix, bias: b)
                let reference = referenceMatmul(x: x, n: n, w: f.weights.values, m: m, k: k, bias: b, rows: Array(0..<n))
                for i in 0..<(n * m) {
                    let allowed = 4e-7 * Double(k).squareRoot() * reference.magnitudes[i] + 1e-30
                    if !(abs(Double(all[i]) - reference.values[i]) <= allowed) {
                        return XCTFail("\(m)×\(k): output \(i) = \(all[i]), expected \(reference.values[i])")
                    }
                }
                // Every batch size, every position in the batch, one or two threads: the same bits.
                for count in [1, 2, 3, 4, 5, 6, 7, 8, 9, 11] {
                    for start in [0, n - count] {
                        let part = Array(x[(start * k)..<((start + count) * k)])
                        for threads in [1, 2] {
                            XCTAssertBitwiseEqual(product(part, rows: count, f.matrix, bias: b, threads: threads),
                                                  Array(all[(start * m)..<((start + count) * m)]),
                                                  "\(m)×\(k): rows \(start)..<\(start + count) alone, \(threads) threads")
                        }
                    }
                }
            }
        }
    }

    /// The decoder's query, key and value projections in one parallel loop give what three calls give.
    func testThreeProductsInOneLoopEqualThreeCalls() throws {
        let a = try Fixture(rows: 96, columns: 64, seed: 1), b = try Fixture(rows: 96, columns: 64, seed: 2)
        let c = try Fixture(rows: 96, columns: 64, seed: 3)
        var random = TestRandom(seed: 4)
        for n in [1, 5, 7] {
            let x = random.floats(n * 64)
            let biasA = random.floats(96), biasC = random.floats(96)
            var outA = [Float](repeating: .nan, count: n * 96), outB = outA, outC = outA
            x.withUnsafeBufferPointer { xp in
                outA.withUnsafeMutableBufferPointer { pa in
                    outB.withUnsafeMutableBufferPointer { pb in
                        outC.withUnsafeMutableBufferPointer { pc in
                            GEMV.multiply(xp.baseAddress!, rows: n,
                                          .init(weight: a.matrix, bias: biasA, out: pa.baseAddress!),
                                          .init(weight: b.matrix, bias: nil, out: pb.baseAddress!),
                                          .init(weight: c.matrix, bias: biasC, out: pc.baseAddress!),
                                          executor: ParallelExecutor(threads: 2))
                        }
                    }
                }
            }
            XCTAssertBitwiseEqual(outA, product(x, rows: n, a.matrix, bias: biasA), "query, \(n) rows")
            XCTAssertBitwiseEqual(outB, product(x, rows: n, b.matrix, bias: nil), "key, \(n) rows")
            XCTAssertBitwiseEqual(outC, product(x, rows: n, c.matrix, bias: biasC), "value, \(n) rows")
        }
    }

    /// Many-row products (the prompt) pack the GEMM's panels from the f16 panels: the same floats as
    /// packing from the rows, so the same results.
    func testManyRowProductsReadThePanelsAsTheRows() throws {
        let f = try Fixture(rows: 100, columns: 96, seed: 9)
        var random = TestRandom(seed: 10)
        let n = gemvMaxRows(.f16) + 8                                 // past the panels' own products
        let x = random.floats(n * 96)
        let bias = random.floats(100)
        XCTAssertBitwiseEqual(product(x, rows: n, f.matrix, bias: bias), product(x, rows: n, f.weights.matrix, bias: bias),
                              "GEMM from panels and from rows")
    }
}
