/// Vectorized `exp` and `erf` for softmax and GELU, accurate to a few float ulps.
///
/// The polynomial coefficients were fitted for this project (weighted least squares on Chebyshev
/// nodes in float64, then rounded to float); the fitted error bounds are quoted with each.
enum SIMDMath {
    // MARK: exp

    private static let log2e: Float = 1.442_695_04
    // ln 2 split so that n·ln2High is exact for |n| < 2¹⁰.
    private static let ln2High: Float = 0.693_145_751_953_125
    private static let ln2Low: Float = 1.428_606_765_330_187e-06
    /// 1.5·2²³: adding it rounds to an integer held in the low mantissa bits.
    private static let roundingShift: Float = 12_582_912

    /// eˣ for x ≤ 88 (larger x saturate at e⁸⁸); x below −87.3 gives 0.
    ///
    /// x = n·ln2 + r with |r| ≤ ln2/2, eʳ = 1 + r + r²·P(r) (P of degree 5, relative error 6e-11),
    /// then 2ⁿ is put into the exponent field.
    @inline(__always)
    static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let clamped = pointwiseMin(pointwiseMax(x, SIMD16(repeating: -87.3)), SIMD16(repeating: 88))
        let t = (clamped * log2e) + SIMD16<Float>(repeating: roundingShift)
        let n = t - SIMD16<Float>(repeating: roundingShift)
        var r = clamped.addingProduct(n, SIMD16(repeating: -ln2High))
        r = r.addingProduct(n, SIMD16(repeating: -ln2Low))
        var p = SIMD16<Float>(repeating: 1.982_649_555_429_816_2e-04)
        p = SIMD16(repeating: 1.394_602_120_853_960_5e-03).addingProduct(p, r)
        p = SIMD16(repeating: 8.333_429_694_175_72e-03).addingProduct(p, r)
        p = SIMD16(repeating: 4.166_626_930_236_816_4e-02).addingProduct(p, r)
        p = SIMD16(repeating: 1.666_666_567_325_592e-01).addingProduct(p, r)
        p = SIMD16(repeating: 0.5).addingProduct(p, r)
        let er = (r + 1).addingProduct(r * r, p)
        let exponent = (unsafeBitCast(t, to: SIMD16<Int32>.self) &- Int32(bitPattern: roundingShift.bitPattern)) &+ 127
        let scale = unsafeBitCast(exponent &<< 23, to: SIMD16<Float>.self)
        var result = er * scale
        result.replace(with: 0, where: x .< -87.3)
        return result
    }

    // MARK: erf

    /// erf(a)/a on [0, 1] as a polynomial in a² (degree 6, relative error 1.4e-9).
    @inline(__always)
    private static func erfSmall(_ a: SIMD16<Float>) -> SIMD16<Float> {
        let a2 = a * a
        var p = SIMD16<Float>(repeating: 7.898_209_878_476_337e-05)
        p = SIMD16(repeating: -8.024_353_883_229_196e-04).addingProduct(p, a2)
        p = SIMD16(repeating: 5.190_053_489_059_21e-03).addingProduct(p, a2)
        p = SIMD16(repeating: -2.685_480_937_361_717_2e-02).addingProduct(p, a2)
        p = SIMD16(repeating: 1.128_361_225_128_173_8e-01).addingProduct(p, a2)
        p = SIMD16(repeating: -3.761_262_893_676_758e-01).addingProduct(p, a2)
        p = SIMD16(repeating: 1.128_379_225_730_896).addingProduct(p, a2)
        return a * p
    }

    /// erfc(a) for a ≥ 1: e^(−a²)·R(t), t = 1/(1 + a/2), R of degree 8 (relative error 1.5e-10 on
    /// [1, 4]; beyond 4, erfc < 2e-8 and the result only has to be tiny).
    @inline(__always)
    private static func erfcLarge(_ a: SIMD16<Float>) -> SIMD16<Float> {
        let b = pointwiseMin(a, SIMD16(repeating: 10))
        let u = 1 / (SIMD16<Float>(repeating: 1) + b * 0.5)
        var r = SIMD16<Float>(repeating: 1.820_661_872_625_351e-02)
        r = SIMD16(repeating: 4.757_333_919_405_937e-02).addingProduct(r, u)
        r = SIMD16(repeating: -3.485_030_531_883_24e-01).addingProduct(r, u)
        r = SIMD16(repeating: 4.444_895_088_672_638e-01).addingProduct(r, u)
        r = SIMD16(repeating: -3.239_291_161_298_752e-02).addingProduct(r, u)
        r = SIMD16(repeating: 3.207_193_017_005_920_4e-01).addingProduct(r, u)
        r = SIMD16(repeating: 2.660_674_750_804_901e-01).addingProduct(r, u)
        r = SIMD16(repeating: 2.840_612_828_731_537e-01).addingProduct(r, u)
        r = SIMD16(repeating: -1.049_210_040_946_491e-04).addingProduct(r, u)
        return exp(-(b * b)) * r
    }

    /// erf(z).
    @inline(__always)
    static func erf(_ z: SIMD16<Float>) -> SIMD16<Float> {
        let a = magnitude(z)
        var e = 1 - erfcLarge(a)
        e.replace(with: erfSmall(a), where: a .<= 1)
        return copySign(e, z)
    }

    /// 1 + erf(z), without cancellation for negative z (where it is erfc(|z|), tiny).
    @inline(__always)
    static func onePlusErf(_ z: SIMD16<Float>) -> SIMD16<Float> {
        let a = magnitude(z)
        let small = erfSmall(a)
        let large = erfcLarge(a)
        let positive = z .>= 0
        var result = large                                            // z < −1: erfc(|z|)
        result.replace(with: 2 - large, where: positive)              // z > 1
        var inner = 1 - small
        inner.replace(with: 1 + small, where: positive)
        result.replace(with: inner, where: a .<= 1)
        return result
    }

    @inline(__always)
    static func magnitude(_ v: SIMD16<Float>) -> SIMD16<Float> {
        unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: SIMD16<Float>.self)
    }

    @inline(__always)
    static func copySign(_ magnitude: SIMD16<Float>, _ sign: SIMD16<Float>) -> SIMD16<Float> {
        let m = unsafeBitCast(magnitude, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF
        let s = unsafeBitCast(sign, to: SIMD16<UInt32>.self) & 0x8000_0000
        return unsafeBitCast(m | s, to: SIMD16<Float>.self)
    }
}
