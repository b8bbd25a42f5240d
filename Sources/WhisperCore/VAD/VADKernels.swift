/// The few dense kernels the VAD network needs. The model is tiny (a 256-tap Fourier basis, 3-tap
/// convolutions, one 128-wide LSTM), so these are plain SIMD dot products over rows padded with
/// zeros to a multiple of 16 — no tails, no special cases.
enum VADKernels {
    static let lanes = 16

    /// `n` rounded up to a whole number of SIMD16 vectors.
    @inline(__always)
    static func padded(_ n: Int) -> Int { (n + lanes - 1) / lanes * lanes }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// `Σ a[i]·b[i]` over `n` values, `n` a multiple of 16.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= n {
            s0 = s0.multiplyAdd(load(a + i), load(b + i))
            s1 = s1.multiplyAdd(load(a + i + 16), load(b + i + 16))
            i += 32
        }
        if i < n { s0 = s0.multiplyAdd(load(a + i), load(b + i)) }
        return (s0 + s1).sum()
    }

    /// One row `w` against two vectors at once (each weight load used twice).
    @inline(__always)
    static func dot2(_ w: UnsafePointer<Float>, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                     _ n: Int) -> (Float, Float) {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        var i = 0
        while i < n {
            let v = load(w + i)
            s0 = s0.multiplyAdd(v, load(x0 + i))
            s1 = s1.multiplyAdd(v, load(x1 + i))
            i += 16
        }
        return (s0.sum(), s1.sum())
    }

    /// One row `w` against four vectors at once.
    @inline(__always)
    static func dot4(_ w: UnsafePointer<Float>, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                     _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>, _ n: Int) -> SIMD4<Float> {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i < n {
            let v = load(w + i)
            s0 = s0.multiplyAdd(v, load(x0 + i))
            s1 = s1.multiplyAdd(v, load(x1 + i))
            s2 = s2.multiplyAdd(v, load(x2 + i))
            s3 = s3.multiplyAdd(v, load(x3 + i))
            i += 16
        }
        return SIMD4(s0.sum(), s1.sum(), s2.sum(), s3.sum())
    }

    /// `out[r][t] = Σ w[r]·x[t]` for `rows` rows of `w` (stride `n`) and `count` vectors of `x`
    /// (stride `n`), written to `out` as `rows × count` (row-major), `n` a multiple of 16.
    static func multiply(rows: Int, weights w: UnsafePointer<Float>, vectors x: UnsafePointer<Float>, count: Int,
                         length n: Int, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = w + r * n
            var t = 0
            while t + 4 <= count {
                let s = dot4(row, x + t * n, x + (t + 1) * n, x + (t + 2) * n, x + (t + 3) * n, n)
                for j in 0..<4 { out[r * count + t + j] = s[j] }
                t += 4
            }
            if t + 2 <= count {
                let (a, b) = dot2(row, x + t * n, x + (t + 1) * n, n)
                out[r * count + t] = a
                out[r * count + t + 1] = b
                t += 2
            }
            if t < count {
                out[r * count + t] = dot(row, x + t * n, n)
            }
        }
    }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + ScalarMath.exp(-x)) }
}
