/// Matrix products with few activation rows (the decoder, one token or a few beams): every weight
/// row is read once, straight from its storage type, decoded 32 values at a time and multiplied
/// against all activation rows while it sits in L1. Nothing is packed: the cost is reading the
/// weights, so this is bound by memory bandwidth (quantized types read 2–3× fewer bytes than f16).
enum GEMV {
    /// Weight rows per piece of work (fixed, so results do not depend on the thread count).
    static let rowsPerPiece = 32

    static func multiply(_ x: UnsafePointer<Float>, rows n: Int, weight: WeightMatrix,
                         bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>,
                         executor: ParallelExecutor) {
        switch weight.type {
        case .f32: multiply(F32Decoder.self, x, n, weight, bias, out, executor)
        case .f16: multiply(F16Decoder.self, x, n, weight, bias, out, executor)
        case .q4_0: multiply(Q4_0Decoder.self, x, n, weight, bias, out, executor)
        case .q4_1: multiply(Q4_1Decoder.self, x, n, weight, bias, out, executor)
        case .q5_0: multiply(Q5_0Decoder.self, x, n, weight, bias, out, executor)
        case .q5_1: multiply(Q5_1Decoder.self, x, n, weight, bias, out, executor)
        case .q8_0: multiply(Q8_0Decoder.self, x, n, weight, bias, out, executor)
        }
    }

    private static func multiply<D: WeightRowDecoder>(_: D.Type, _ x: UnsafePointer<Float>, _ n: Int,
                                                      _ weight: WeightMatrix, _ bias: UnsafePointer<Float>?,
                                                      _ out: UnsafeMutablePointer<Float>, _ executor: ParallelExecutor) {
        let m = weight.rows
        let k = weight.columns
        let pieces = (m + rowsPerPiece - 1) / rowsPerPiece
        executor.forEach(pieces) { piece in
            let first = piece * rowsPerPiece
            for r in first..<Swift.min(m, first + rowsPerPiece) {
                let row = weight.row(r)
                let b = bias?[r] ?? 0
                var i = 0
                while i < n {
                    if n - i >= 4 {
                        let s = dot4(D.self, row, x + i * k, k)
                        out[i * m + r] = b + s.0
                        out[(i + 1) * m + r] = b + s.1
                        out[(i + 2) * m + r] = b + s.2
                        out[(i + 3) * m + r] = b + s.3
                        i += 4
                    } else {
                        out[i * m + r] = b + dot1(D.self, row, x + i * k, k)
                        i += 1
                    }
                }
            }
        }
    }

    /// Σ_p row[p]·x[p]. Two accumulators (values 0..<16 and 16..<32 of each chunk); `dot4` sums each
    /// of its rows in exactly the same order, so a row's result does not depend on its batch.
    @inline(__always)
    static func dot1<D: WeightRowDecoder>(_: D.Type, _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ k: Int) -> Float {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
        let chunks = k / 32
        for c in 0..<chunks {
            let (lo, hi) = D.decode(row + c * D.chunkBytes)
            a0 = a0.addingProduct(lo, SIMDMemory.load(x + 32 * c))
            a1 = a1.addingProduct(hi, SIMDMemory.load(x + 32 * c + 16))
        }
        var tail: Float = 0
        for p in (32 * chunks)..<k { tail = tail.addingProduct(D.scalar(row, p), x[p]) }
        return SIMDMemory.sum(a0 + a1) + tail
    }

    /// `dot1` for four activation rows (stride `k`) sharing each decoded weight chunk.
    @inline(__always)
    static func dot4<D: WeightRowDecoder>(_: D.Type, _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>,
                                          _ k: Int) -> (Float, Float, Float, Float) {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
        var b0 = SIMD16<Float>(), b1 = SIMD16<Float>()
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>()
        var d0 = SIMD16<Float>(), d1 = SIMD16<Float>()
        let x0 = x, x1 = x + k, x2 = x + 2 * k, x3 = x + 3 * k
        let chunks = k / 32
        for c in 0..<chunks {
            let (lo, hi) = D.decode(row + c * D.chunkBytes)
            let o = 32 * c
            a0 = a0.addingProduct(lo, SIMDMemory.load(x0 + o)); a1 = a1.addingProduct(hi, SIMDMemory.load(x0 + o + 16))
            b0 = b0.addingProduct(lo, SIMDMemory.load(x1 + o)); b1 = b1.addingProduct(hi, SIMDMemory.load(x1 + o + 16))
            c0 = c0.addingProduct(lo, SIMDMemory.load(x2 + o)); c1 = c1.addingProduct(hi, SIMDMemory.load(x2 + o + 16))
            d0 = d0.addingProduct(lo, SIMDMemory.load(x3 + o)); d1 = d1.addingProduct(hi, SIMDMemory.load(x3 + o + 16))
        }
        var ta: Float = 0, tb: Float = 0, tc: Float = 0, td: Float = 0
        for p in (32 * chunks)..<k {
            let w = D.scalar(row, p)
            ta = ta.addingProduct(w, x0[p]); tb = tb.addingProduct(w, x1[p])
            tc = tc.addingProduct(w, x2[p]); td = td.addingProduct(w, x3[p])
        }
        return (SIMDMemory.sum(a0 + a1) + ta, SIMDMemory.sum(b0 + b1) + tb,
                SIMDMemory.sum(c0 + c1) + tc, SIMDMemory.sum(d0 + d1) + td)
    }
}
