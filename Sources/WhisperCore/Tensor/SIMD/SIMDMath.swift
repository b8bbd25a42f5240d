/// Vectorized `exp` and `erf` for softmax and GELU, accurate to a few float ulps.
///
/// These are `@_transparent` (inlined before optimization) rather than `@inline(__always)`: in the
/// large loops that use them the optimizer otherwise sometimes keeps `exp` out of line, and a call
/// that passes a 16-lane vector costs more than the function.
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
    @_transparent
    static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let clamped = SIMDConversion.minimum(SIMDConversion.maximum(x, SIMD16(repeating: -87.3)), SIMD16(repeating: 88))
        let t = (clamped * log2e) + SIMD16<Float>(repeating: roundingShift)
        let n = t - SIMD16<Float>(repeating: roundingShift)
        var r = clamped.multiplyAdd(n, SIMD16(repeating: -ln2High))
        r = r.multiplyAdd(n, SIMD16(repeating: -ln2Low))
        var p = SIMD16<Float>(repeating: 1.982_649_555_429_816_2e-04)
        p = SIMD16(repeating: 1.394_602_120_853_960_5e-03).multiplyAdd(p, r)
        p = SIMD16(repeating: 8.333_429_694_175_72e-03).multiplyAdd(p, r)
        p = SIMD16(repeating: 4.166_626_930_236_816_4e-02).multiplyAdd(p, r)
        p = SIMD16(repeating: 1.666_666_567_325_592e-01).multiplyAdd(p, r)
        p = SIMD16(repeating: 0.5).multiplyAdd(p, r)
        let er = (r + 1).multiplyAdd(r * r, p)
        let exponent = (unsafeBitCast(t, to: SIMD16<Int32>.self) &- Int32(bitPattern: roundingShift.bitPattern)) &+ 127
        let scale = unsafeBitCast(exponent &<< 23, to: SIMD16<Float>.self)
        return SIMDConversion.select(x, { $0 < -87.3 }, SIMD16(repeating: 0), else: er * scale)
    }

    // MARK: erf

    /// erf(a)/a on [0, 1] as a polynomial in a² (degree 6, relative error 1.4e-9).
    @_transparent
    private static func erfSmall(_ a: SIMD16<Float>) -> SIMD16<Float> {
        let a2 = a * a
        var p = SIMD16<Float>(repeating: 7.898_209_878_476_337e-05)
        p = SIMD16(repeating: -8.024_353_883_229_196e-04).multiplyAdd(p, a2)
        p = SIMD16(repeating: 5.190_053_489_059_21e-03).multiplyAdd(p, a2)
        p = SIMD16(repeating: -2.685_480_937_361_717_2e-02).multiplyAdd(p, a2)
        p = SIMD16(repeating: 1.128_361_225_128_173_8e-01).multiplyAdd(p, a2)
        p = SIMD16(repeating: -3.761_262_893_676_758e-01).multiplyAdd(p, a2)
        p = SIMD16(repeating: 1.128_379_225_730_896).multiplyAdd(p, a2)
        return a * p
    }

    /// erfc(a) for a ≥ 1, given a² as an unevaluated sum `squareHigh + squareLow` (so that e^(−a²)
    /// does not inherit the rounding of a², which would cost 1e-6 relative at a ≈ 3):
    /// e^(−a²)·R(t), t = 1/(1 + a/2), R of degree 10 fitted on [1, 10] (relative error 1.3e-10 in
    /// exact arithmetic, 3e-7 evaluated in Float). Beyond a ≈ 9.3 the result underflows to 0.
    @_transparent
    private static func erfcLarge(_ a: SIMD16<Float>, squareHigh: SIMD16<Float>, squareLow: SIMD16<Float>) -> SIMD16<Float> {
        let b = SIMDConversion.minimum(a, SIMD16(repeating: 10))
        let t = 1 / (SIMD16<Float>(repeating: 1) + b * 0.5)
        var r = SIMD16<Float>(repeating: -5.565_547_943_115_234_4e-02)
        r = SIMD16(repeating: 1.604_863_852_262_497e-01).multiplyAdd(r, t)
        r = SIMD16(repeating: -8.496_265_113_353_729e-02).multiplyAdd(r, t)
        r = SIMD16(repeating: -1.424_011_886_119_842_5e-01).multiplyAdd(r, t)
        r = SIMD16(repeating: 8.448_414_504_528_046e-02).multiplyAdd(r, t)
        r = SIMD16(repeating: 3.940_493_986_010_551_5e-02).multiplyAdd(r, t)
        r = SIMD16(repeating: 1.898_150_891_065_597_5e-01).multiplyAdd(r, t)
        r = SIMD16(repeating: 2.442_017_197_608_947_8e-01).multiplyAdd(r, t)
        r = SIMD16(repeating: 2.824_158_668_518_066_4e-01).multiplyAdd(r, t)
        r = SIMD16(repeating: 2.820_723_950_862_884_5e-01).multiplyAdd(r, t)
        r = SIMD16(repeating: 6.821_909_437_348_95e-07).multiplyAdd(r, t)
        // e^(−hi − lo) = e^(−hi)·(1 − lo) to first order; |lo| ≤ ulp(hi)/2.
        let e = exp(-squareHigh) * (1 - squareLow)
        return e * r
    }

    /// erf(z).
    @_transparent
    static func erf(_ z: SIMD16<Float>) -> SIMD16<Float> {
        let a = magnitude(z)
        let capped = SIMDConversion.minimum(a, SIMD16(repeating: 10))           // erfc(10) is 0 in Float; keeps a² finite
        let high = capped * capped
        let low = (-high).multiplyAdd(capped, capped)                // capped² − high, exactly
        let e = SIMDConversion.select(a, { $0 <= 1 }, erfSmall(a), else: 1 - erfcLarge(a, squareHigh: high, squareLow: low))
        return copySign(e, z)
    }

    /// 1 + erf(x/√2), the Gaussian CDF times 2, without cancellation for negative x (where it is
    /// erfc(|x|/√2), tiny). (x/√2)² is taken as x²/2 from the exact split of x², so rounding x/√2
    /// does not disturb the tail.
    @_transparent
    static func onePlusErfOfScaled(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let magnitudeX = magnitude(x)
        let a = magnitudeX * 0.707_106_781_186_547_5
        let capped = SIMDConversion.minimum(magnitudeX, SIMD16(repeating: 16))  // keeps x² finite; erfc(16/√2) is 0
        let x2 = capped * capped
        let x2Low = (-x2).multiplyAdd(capped, capped)              // capped² − x2, exactly
        let small = erfSmall(a)
        let large = erfcLarge(a, squareHigh: x2 * 0.5, squareLow: x2Low * 0.5)
        // x/√2 > 1: 2 − erfc; x/√2 < −1: erfc(|x|/√2); in between 1 ± erf(|x|/√2).
        let outer = SIMDConversion.select(x, { $0 >= 0 }, 2 - large, else: large)
        let inner = SIMDConversion.select(x, { $0 >= 0 }, 1 + small, else: 1 - small)
        return SIMDConversion.select(a, { $0 <= 1 }, inner, else: outer)
    }

    @_transparent
    static func magnitude(_ v: SIMD16<Float>) -> SIMD16<Float> {
        unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: SIMD16<Float>.self)
    }

    @_transparent
    static func copySign(_ magnitude: SIMD16<Float>, _ sign: SIMD16<Float>) -> SIMD16<Float> {
        let m = unsafeBitCast(magnitude, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF
        let s = unsafeBitCast(sign, to: SIMD16<UInt32>.self) & 0x8000_0000
        return unsafeBitCast(m | s, to: SIMD16<Float>.self)
    }
}
