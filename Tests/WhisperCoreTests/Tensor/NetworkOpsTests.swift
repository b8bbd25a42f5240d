import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Layer norm, GELU, softmax, conv1d and attention against plain Double references.
final class NetworkOpsTests: XCTestCase {
    func testLayerNorm() {
        var random = TestRandom(seed: 1)
        for width in [384, 50, 7] {
            let rows = 9
            let x = random.floats(rows * width, scale: 4).enumerated().map { $0.element + Float($0.offset % 3) * 10 }
            let gamma = random.floats(width), beta = random.floats(width)
            var out = [Float](repeating: 0, count: rows * width)
            layerNorm(input: x, output: &out, rows: rows, width: width, gamma: gamma, beta: beta, executor: ParallelExecutor(threads: 2))
            var inPlace = x
            inPlace.withUnsafeMutableBufferPointer { p in
                layerNorm(input: p.baseAddress!, output: p.baseAddress!, rows: rows, width: width, gamma: gamma, beta: beta)
            }
            XCTAssertBitwiseEqual(out, inPlace, "in place")
            for r in 0..<rows {
                let row = x[(r * width)..<((r + 1) * width)].map(Double.init)
                let mean = row.reduce(0, +) / Double(width)
                let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
                for i in 0..<width {
                    let expected = (row[i] - mean) / (variance + 1e-5).squareRoot() * Double(gamma[i]) + Double(beta[i])
                    XCTAssertEqual(Double(out[r * width + i]), expected, accuracy: 2e-6 * (1 + abs(expected)), "width \(width) row \(r) [\(i)]")
                }
            }
        }
    }

    func testGELUIsTheExactErfForm() {
        var values: [Float] = stride(from: -12.0 as Float, through: 12, by: 0.001).map { $0 }
        values += [0, -0.0, 1e-8, -1e-8, 30, -30, 100, -100]
        var y = values
        gelu(&y, count: y.count, executor: ParallelExecutor(threads: 2))
        var worstRelative = 0.0
        for (x, got) in zip(values, y) {
            let xd = Double(x)
            let expected = 0.5 * xd * erfc(-xd / 2.0.squareRoot())      // 1 + erf(z) without cancellation
            let error = abs(Double(got) - expected)
            XCTAssertLessThanOrEqual(error, 1e-6 * Swift.max(abs(expected), 1e-3), "gelu(\(x)) = \(got), expected \(expected)")
            if abs(expected) > 1e-36 { worstRelative = Swift.max(worstRelative, error / abs(expected)) }
        }
        XCTAssertLessThan(worstRelative, 1e-6)
        var extremes: [Float] = [1e20, -1e20, .infinity, 3e38]
        gelu(&extremes, count: 4)
        XCTAssertEqual(extremes, [1e20, 0, .infinity, 3e38])
    }

    func testErfAndExpAccuracy() {
        var maxErfError = 0.0, maxExpError = 0.0
        for start in stride(from: -6.0 as Float, to: 6, by: 16 * 0.0007) {
            let z = SIMD16<Float>((0..<16).map { start + Float($0) * 0.0007 })
            let e = SIMDMath.erf(z)
            for i in 0..<16 {
                let expected = erf(Double(z[i]))
                maxErfError = Swift.max(maxErfError, abs(Double(e[i]) - expected) / Swift.max(abs(expected), 1e-30))
            }
        }
        for start in stride(from: -87.0 as Float, to: 87.8, by: 16 * 0.013) {
            let x = SIMD16<Float>((0..<16).map { start + Float($0) * 0.013 })
            let e = SIMDMath.exp(x)
            for i in 0..<16 {
                let expected = Foundation.exp(Double(x[i]))
                if expected > 1.2e-38 { maxExpError = Swift.max(maxExpError, abs(Double(e[i]) - expected) / expected) }
            }
        }
        XCTAssertLessThan(maxErfError, 3e-7, "erf relative error")
        XCTAssertLessThan(maxExpError, 3e-7, "exp relative error")
        let tiny = SIMDMath.exp(SIMD16<Float>(repeating: -200))
        XCTAssertEqual(tiny, SIMD16<Float>(repeating: 0))
        XCTAssertEqual(SIMDMath.exp(SIMD16<Float>(repeating: -.infinity)), SIMD16<Float>(repeating: 0))
    }

    func testSoftmax() {
        var random = TestRandom(seed: 2)
        for count in [1, 5, 16, 37, 1500] {
            var x = random.floats(count, scale: 20)
            if count > 3 { x[2] = -.infinity }
            let original = x
            softmax(&x, count: count)
            let m = original.max()!
            let exps = original.map { Foundation.exp(Double($0 - m)) }
            let total = exps.reduce(0, +)
            for i in 0..<count {
                XCTAssertEqual(Double(x[i]), exps[i] / total, accuracy: 1e-6 * (exps[i] / total) + 1e-12, "count \(count) [\(i)]")
            }
            if count > 3 { XCTAssertEqual(x[2], 0) }
        }
        var masked: [Float] = [-.infinity, -.infinity, -.infinity]
        softmax(&masked, count: 3)
        XCTAssertEqual(masked, [0, 0, 0])
    }

    func testConv1dAgainstDirectSum() throws {
        var random = TestRandom(seed: 3)
        for (type, cIn, cOut, frames, stride) in [(GGMLTensorType.f16, 80, 64, 61, 1), (.f16, 24, 40, 60, 2),
                                                   (.f32, 5, 33, 9, 2), (.f16, 7, 3, 1, 1), (.f32, 4, 6, 2, 2)] {
            let weights = try TestWeights(type: type, rows: cOut, columns: 3 * cIn, random: &random)
            let input = random.floats(frames * cIn)
            let bias = random.floats(cOut)
            let outFrames = conv1dOutputFrames(frames: frames, stride: stride)
            XCTAssertEqual(outFrames, (frames + 2 - 3) / stride + 1)
            var out = [Float](repeating: .nan, count: outFrames * cOut)
            try conv1d(input: input, frames: frames, inputChannels: cIn, weight: weights.matrix, bias: bias, stride: stride,
                   output: &out, executor: ParallelExecutor(threads: 2))
            for t in 0..<outFrames {
                for o in 0..<cOut {
                    var s = Double(bias[o]), magnitude = abs(s)
                    for c in 0..<cIn {
                        for k in 0..<3 {
                            let source = stride * t + k - 1
                            guard source >= 0 && source < frames else { continue }
                            let term = weights.values[o * 3 * cIn + c * 3 + k] * Double(input[source * cIn + c])
                            s += term
                            magnitude += abs(term)
                        }
                    }
                    XCTAssertEqual(Double(out[t * cOut + o]), s, accuracy: 1e-6 * magnitude + 1e-30, "t \(t) o \(o)")
                }
            }
        }
    }

    // MARK: attention

    private func referenceAttention(q: [Float], k: [Float], v: [Float], tq: Int, tk: Int, d: Int, heads: Int,
                                    causalOffset: Int?) -> [Double] {
        let hd = d / heads
        var out = [Double](repeating: 0, count: tq * d)
        for h in 0..<heads {
            for i in 0..<tq {
                let visible = causalOffset.map { Swift.min(tk, $0 + i + 1) } ?? tk
                var scores = (0..<visible).map { j -> Double in
                    var s = 0.0
                    for p in 0..<hd { s += Double(q[i * d + h * hd + p]) * Double(k[j * d + h * hd + p]) }
                    return s / Double(hd).squareRoot()
                }
                let m = scores.max() ?? 0
                scores = scores.map { Foundation.exp($0 - m) }
                let total = scores.reduce(0, +)
                for p in 0..<hd {
                    var s = 0.0
                    for j in 0..<visible { s += scores[j] / total * Double(v[j * d + h * hd + p]) }
                    out[i * d + h * hd + p] = s
                }
            }
        }
        return out
    }

    private func checkAttention(tq: Int, tk: Int, d: Int, heads: Int, causalOffset: Int?, seed: UInt64,
                                file: StaticString = #filePath, line: UInt = #line) -> [Float] {
        var random = TestRandom(seed: seed)
        let q = random.floats(tq * d, scale: 3), k = random.floats(tk * d, scale: 3), v = random.floats(tk * d)
        var out = [Float](repeating: .nan, count: tq * d)
        attention(query: q, queryRows: tq, key: k, value: v, keyRows: tk, width: d, heads: heads,
                  causalOffset: causalOffset, output: &out, executor: ParallelExecutor(threads: 2))
        let expected = referenceAttention(q: q, k: k, v: v, tq: tq, tk: tk, d: d, heads: heads, causalOffset: causalOffset)
        for i in 0..<(tq * d) where !(abs(Double(out[i]) - expected[i]) <= 2e-6) {
            XCTFail("tq \(tq) tk \(tk) d \(d) heads \(heads) causal \(String(describing: causalOffset)): out[\(i)] = \(out[i]), expected \(expected[i])",
                    file: file, line: line)
            break
        }
        return out
    }

    func testAttentionFewQueries() {
        _ = checkAttention(tq: 1, tk: 37, d: 384, heads: 6, causalOffset: nil, seed: 1)
        _ = checkAttention(tq: 1, tk: 1, d: 64, heads: 2, causalOffset: 0, seed: 2)
        _ = checkAttention(tq: 3, tk: 20, d: 128, heads: 2, causalOffset: 17, seed: 3)       // KV cache of 17 + 3 new
        _ = checkAttention(tq: 5, tk: 9, d: 40, heads: 2, causalOffset: 4, seed: 4)          // head width 20
        _ = checkAttention(tq: 4, tk: 100, d: 96, heads: 1, causalOffset: nil, seed: 5)
        _ = checkAttention(tq: 2, tk: 203, d: 384, heads: 6, causalOffset: 201, seed: 11)    // 16-key blocks and a tail
        _ = checkAttention(tq: 3, tk: 150, d: 512, heads: 8, causalOffset: nil, seed: 13)    // head pairs: a pass of 3, one of 1
        _ = checkAttention(tq: 1, tk: 40, d: 256, heads: 4, causalOffset: 38, seed: 14)      // a pass of 2 pairs
        _ = checkAttention(tq: 6, tk: 300, d: 192, heads: 3, causalOffset: nil, seed: 15)    // five rows at once, odd heads
        _ = checkAttention(tq: 5, tk: 60, d: 384, heads: 6, causalOffset: 55, seed: 16)      // causal: rows see different keys
    }

    /// The cross-attention key layout: 16 positions at a time, transposed, the last block padded with
    /// zeros; widening gives back exactly the keys.
    func testTransposedKeyBlocksRoundTrip() {
        let d = 24, rows = 37
        var random = TestRandom(seed: 22)
        let k = random.floats(rows * d, scale: 3)
        var blocks = [Float](repeating: .nan, count: TransposedKeyBlocks.floatCount(rows: rows, width: d))
        XCTAssertEqual(blocks.count, 48 * d)
        k.withUnsafeBufferPointer { TransposedKeyBlocks.store($0.baseAddress!, rows: rows, width: d, into: &blocks) }
        // Position 17 (block 1, lane 1), column 5.
        XCTAssertEqual(blocks[16 * d + 5 * 16 + 1], k[17 * d + 5])
        for column in 0..<d {
            for lane in 5..<16 { XCTAssertEqual(blocks[32 * d + column * 16 + lane], 0, "padding") }
        }
        var wide = [Float](repeating: .nan, count: rows * d)
        blocks.withUnsafeBytes { TransposedKeyBlocks.widen($0.baseAddress!, rows: rows, width: d, into: &wide) }
        XCTAssertBitwiseEqual(wide, k, "round trip")
    }

    /// The decoder's cross-attention: keys in `TransposedKeyBlocks` (single precision), values as f16,
    /// few queries (greedy, beams) or a prompt's many; against the reference on the f16-rounded values,
    /// and the same for any thread count. 1500 keys: the last chunk ends in a partial block.
    func testHalfPrecisionKeyValueAttention() {
        let d = 384, heads = 6, tk = 1500
        var random = TestRandom(seed: 21)
        let k = random.floats(tk * d, scale: 3), v = random.floats(tk * d)
        var kHalf = [Float](repeating: 0, count: TransposedKeyBlocks.floatCount(rows: tk, width: d))
        k.withUnsafeBufferPointer { TransposedKeyBlocks.store($0.baseAddress!, rows: tk, width: d, into: &kHalf) }
        let vHalf = v.map { HalfPrecision.bits(from: $0) }
        let kRounded = k
        let vRounded = vHalf.map { HalfPrecision.float(fromBits: $0) }
        func run(_ q: [Float], _ tq: Int, threads: Int) -> [Float] {
            var out = [Float](repeating: .nan, count: tq * d)
            kHalf.withUnsafeBytes { kb in
                vHalf.withUnsafeBytes { vb in
                    attention(query: q, queryRows: tq, transposedKeyBlocks: kb.baseAddress!, halfPrecisionValues: vb.baseAddress!,
                              keyRows: tk, width: d, heads: heads, output: &out,
                              executor: ParallelExecutor(threads: threads), scratch: nil)
                }
            }
            return out
        }
        for tq in [1, 5, 7, 20] {
            let q = random.floats(tq * d, scale: 3)
            if tq < 16 {
                // A beam step's rows (scored five at a time) give what each row gives alone.
                for r in 0..<tq {
                    XCTAssertBitwiseEqual(run(Array(q[(r * d)..<((r + 1) * d)]), 1, threads: 2),
                                          Array(run(q, tq, threads: 2)[(r * d)..<((r + 1) * d)]), "row \(r) of \(tq) alone")
                }
            }
            let expected = referenceAttention(q: q, k: kRounded, v: vRounded, tq: tq, tk: tk, d: d, heads: heads, causalOffset: nil)
            let outputs = [1, 2, 3].map { run(q, tq, threads: $0) }
            XCTAssertBitwiseEqual(outputs[0], outputs[1], "\(tq) queries: 1 vs 2 threads")
            XCTAssertBitwiseEqual(outputs[0], outputs[2], "\(tq) queries: 1 vs 3 threads")
            for i in 0..<(tq * d) where !(abs(Double(outputs[0][i]) - expected[i]) <= 2e-6) {
                XCTFail("\(tq) queries: out[\(i)] = \(outputs[0][i]), expected \(expected[i])")
                break
            }
        }
    }

    func testAttentionManyQueries() {
        _ = checkAttention(tq: 100, tk: 100, d: 128, heads: 2, causalOffset: nil, seed: 6)
        _ = checkAttention(tq: 53, tk: 71, d: 64, heads: 2, causalOffset: nil, seed: 7)      // head width 32
        _ = checkAttention(tq: 20, tk: 30, d: 120, heads: 3, causalOffset: 10, seed: 8)      // head width 40, causal
        _ = checkAttention(tq: 64, tk: 64, d: 384, heads: 6, causalOffset: 0, seed: 9)       // causal prompt
        _ = checkAttention(tq: 17, tk: 5, d: 64, heads: 1, causalOffset: nil, seed: 10)
    }

    func testEncoderSizedAttentionAndThreadIndependence() throws {
        try skipUnlessOptimized()
        let d = 384, t = 1500
        var random = TestRandom(seed: 12)
        let q = random.floats(t * d, scale: 2), k = random.floats(t * d, scale: 2), v = random.floats(t * d)
        var outputs: [[Float]] = []
        for threads in [1, 2, 3] {
            var out = [Float](repeating: 0, count: t * d)
            attention(query: q, queryRows: t, key: k, value: v, keyRows: t, width: d, heads: 6, causalOffset: nil,
                      output: &out, executor: ParallelExecutor(threads: threads))
            outputs.append(out)
        }
        XCTAssertBitwiseEqual(outputs[0], outputs[1], "1 vs 2 threads")
        XCTAssertBitwiseEqual(outputs[0], outputs[2], "1 vs 3 threads")
        // Check a few query rows against the reference.
        let rows = [0, 1, 47, 48, 749, 1499]
        let sub = rows.flatMap { Array(q[($0 * d)..<(($0 + 1) * d)]) }
        let expected = referenceAttention(q: sub, k: k, v: v, tq: rows.count, tk: t, d: d, heads: 6, causalOffset: nil)
        for (ri, i) in rows.enumerated() {
            for c in 0..<d {
                XCTAssertEqual(Double(outputs[0][i * d + c]), expected[ri * d + c], accuracy: 2e-6, "row \(i) col \(c)")
            }
        }
    }
}
