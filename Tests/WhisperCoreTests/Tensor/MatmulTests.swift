import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class MatmulTests: XCTestCase {
    /// Runs `matmul` and checks the given rows against the Double reference: the error must stay
    /// below a few float ulps of Σ|x·w| (the scale Float rounding errors live on).
    private func check(type: GGMLTensorType, n: Int, k: Int, m: Int, withBias: Bool, seed: UInt64,
                       threads: Int = 2, checkedRows: [Int]? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        var random = TestRandom(seed: seed)
        let weights = try TestWeights(type: type, rows: m, columns: k, random: &random)
        let x = random.floats(n * k)
        let bias = withBias ? random.floats(m) : nil
        var out = [Float](repeating: .nan, count: n * m)
        x.withUnsafeBufferPointer { xp in
            bias.withOptionalPointer { bp in
                matmul(xp.baseAddress!, rows: n, weight: weights.matrix, bias: bp, into: &out,
                       executor: ParallelExecutor(threads: threads))
            }
        }
        let rows = checkedRows ?? Array(0..<n)
        let reference = referenceMatmul(x: x, n: n, w: weights.values, m: m, k: k, bias: bias, rows: rows)
        var worst = 0.0
        for (ri, i) in rows.enumerated() {
            for j in 0..<m {
                let error = abs(Double(out[i * m + j]) - reference.values[ri * m + j])
                let allowed = 4e-7 * Double(k).squareRoot() * reference.magnitudes[ri * m + j] + 1e-30
                worst = Swift.max(worst, error / allowed)
                if !(error <= allowed) {
                    XCTFail("\(type) n=\(n) k=\(k) m=\(m): out[\(i)][\(j)] = \(out[i * m + j]), expected \(reference.values[ri * m + j])",
                            file: file, line: line)
                    return
                }
            }
        }
    }

    func testAllTypesAgainstReferenceAtOddSizes() throws {
        let shapes: [(n: Int, k: Int, m: Int)] = [(1, 64, 45), (3, 96, 77), (7, 160, 33), (8, 32, 31),
                                                  (9, 64, 70), (13, 224, 100), (40, 128, 97)]
        for type in GGMLTensorType.allCases {
            for (index, s) in shapes.enumerated() {
                try check(type: type, n: s.n, k: s.k, m: s.m, withBias: index % 2 == 0, seed: UInt64(index * 10 + Int(type.rawValue)))
            }
        }
    }

    /// f32 and f16 rows need not be whole 32-value chunks.
    func testUnblockedTypesAtDepthsThatAreNotMultiplesOf32() throws {
        for type in [GGMLTensorType.f32, .f16] {
            for (index, s) in [(1, 50, 17), (2, 19, 64), (5, 1, 3), (11, 240, 65), (30, 83, 40), (7, 400, 5)].enumerated() {
                try check(type: type, n: s.0, k: s.1, m: s.2, withBias: index % 2 == 1, seed: UInt64(100 + index))
            }
        }
    }

    /// The encoder's shape (1500 rows, several slabs of packed panels for the wide output), every type.
    func testEncoderSizedProducts() throws {
        try skipUnlessOptimized()
        let rows = Array(stride(from: 0, to: 1500, by: 41)) + [1494, 1495, 1499]
        for type in GGMLTensorType.allCases {
            try check(type: type, n: 1500, k: 384, m: 384, withBias: true, seed: 7, checkedRows: rows)
        }
        try check(type: .f16, n: 1500, k: 1536, m: 384, withBias: true, seed: 8, checkedRows: rows)
        try check(type: .q5_1, n: 1500, k: 384, m: 1536, withBias: false, seed: 9, checkedRows: rows)
        try check(type: .f16, n: 37, k: 384, m: 5000, withBias: true, seed: 10)   // beyond one slab
    }

    func testFloatTimesTransposedFloat() {
        var random = TestRandom(seed: 21)
        let n = 23, m = 19, k = 45
        let x = random.floats(n * k), y = random.floats(m * k)
        var out = [Float](repeating: 0, count: n * m)
        matmul(x, rows: n, transposed: y, rows: m, columns: k, bias: nil, into: &out, executor: ParallelExecutor(threads: 2))
        for i in 0..<n {
            for j in 0..<m {
                var s = 0.0
                for p in 0..<k { s += Double(x[i * k + p]) * Double(y[j * k + p]) }
                XCTAssertEqual(Double(out[i * m + j]), s, accuracy: 1e-5)
            }
        }
    }

    /// One, two and three threads give bit-identical outputs, on both the GEMV and GEMM paths.
    func testResultsDoNotDependOnThreadCount() throws {
        var random = TestRandom(seed: 31)
        for type in [GGMLTensorType.f16, .q5_1, .q8_0] {
            let weights = try TestWeights(type: type, rows: 1000, columns: 384, random: &random)
            let bias = random.floats(1000)
            for n in [1, 5, 300] {
                let x = random.floats(n * 384)
                var outputs: [[Float]] = []
                for threads in [1, 2, 3] {
                    var out = [Float](repeating: 0, count: n * 1000)
                    matmul(x, rows: n, weight: weights.matrix, bias: bias, into: &out, executor: ParallelExecutor(threads: threads))
                    outputs.append(out)
                }
                XCTAssertBitwiseEqual(outputs[0], outputs[1], "\(type) n=\(n), 1 vs 2 threads")
                XCTAssertBitwiseEqual(outputs[0], outputs[2], "\(type) n=\(n), 1 vs 3 threads")
            }
        }
    }

    /// The decoder's block-format matrices as `QuantizedPanels`: products within a few float ulps of
    /// the exact values, the same bits for a row alone or in a group of up to eight (five at a time,
    /// then one), for one or two threads, and for query/key/value fused; f16 is not re-laid out here.
    func testQuantizedPanelsAgainstReferenceAndBatchIndependent() throws {
        var random = TestRandom(seed: 43)
        for type in [GGMLTensorType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0] {
            let (m, k) = (75, 160)
            let weights = try TestWeights(type: type, rows: m, columns: k, random: &random)
            let paneled = weights.matrix.withQuantizedPanels()
            XCTAssertNotNil(paneled.quantizedPanels, "\(type) is re-laid out")
            let bias = random.floats(m)
            for n in [1, 2, 3, 4, 5, 6, 7, 8] {                       // up to gemvMaxRows: the few-row products
                let x = random.floats(n * k)
                var out = [Float](repeating: .nan, count: n * m)
                matmul(x, rows: n, weight: paneled, bias: bias, into: &out, executor: ParallelExecutor(threads: 2))
                let reference = referenceMatmul(x: x, n: n, w: weights.values, m: m, k: k, bias: bias, rows: Array(0..<n))
                for i in 0..<(n * m) {
                    let allowed = 4e-7 * Double(k).squareRoot() * reference.magnitudes[i] + 1e-30
                    if !(abs(Double(out[i]) - reference.values[i]) <= allowed) {
                        return XCTFail("\(type) n=\(n): out[\(i)] = \(out[i]), expected \(reference.values[i])")
                    }
                }
                for i in 0..<n {
                    var alone = [Float](repeating: .nan, count: m)
                    Array(x[(i * k)..<((i + 1) * k)]).withUnsafeBufferPointer { xp in
                        matmul(xp.baseAddress!, rows: 1, weight: paneled, bias: bias, into: &alone, executor: .serial)
                    }
                    XCTAssertBitwiseEqual(alone, Array(out[(i * m)..<((i + 1) * m)]), "\(type): row \(i) of \(n) alone")
                }
                var q = [Float](repeating: .nan, count: n * m), kk = q, v = q
                x.withUnsafeBufferPointer { xp in
                    q.withUnsafeMutableBufferPointer { qp in
                        kk.withUnsafeMutableBufferPointer { kp in
                            v.withUnsafeMutableBufferPointer { vp in
                                GEMV.multiply(xp.baseAddress!, rows: n, .init(weight: paneled, bias: bias, out: qp.baseAddress!),
                                              .init(weight: paneled, bias: nil, out: kp.baseAddress!),
                                              .init(weight: paneled, bias: bias, out: vp.baseAddress!),
                                              executor: ParallelExecutor(threads: 2))
                            }
                        }
                    }
                }
                XCTAssertBitwiseEqual(q, out, "\(type), \(n) rows, fused")
                XCTAssertBitwiseEqual(v, out, "\(type), \(n) rows, fused (third)")
            }
        }
        let f16 = try TestWeights(type: .f16, rows: 8, columns: 64, random: &random)
        XCTAssertNil(f16.matrix.withQuantizedPanels().quantizedPanels, "f16 stays as stored")
    }

    /// A row's GEMV result does not depend on which batch position it has.
    func testGEMVRowsAreIndependentOfBatch() throws {
        var random = TestRandom(seed: 41)
        let weights = try TestWeights(type: .q8_0, rows: 70, columns: 96, random: &random)
        let x = random.floats(7 * 96)
        var batch = [Float](repeating: 0, count: 7 * 70)
        matmul(x, rows: 7, weight: weights.matrix, bias: nil, into: &batch, executor: .serial)
        for i in 0..<7 {
            var single = [Float](repeating: 0, count: 70)
            x.withUnsafeBufferPointer { matmul($0.baseAddress! + i * 96, rows: 1, weight: weights.matrix, bias: nil, into: &single, executor: .serial) }
            XCTAssertBitwiseEqual(single, Array(batch[(i * 70)..<((i + 1) * 70)]), "row \(i)")
        }
    }
}

/// Encoder-sized checks take seconds optimized and minutes unoptimized: the project runs its tests
/// in release mode (`make unit`), so debug runs skip them.
func skipUnlessOptimized() throws {
    #if DEBUG
    throw XCTSkip("encoder-sized kernel test: run in release mode (make unit)")
    #endif
}

extension Optional where Wrapped == [Float] {
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .some(let array): return array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: return body(nil)
        }
    }
}
