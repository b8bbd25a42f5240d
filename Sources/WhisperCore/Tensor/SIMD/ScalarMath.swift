/// The elementary functions the engine needs outside its SIMD kernels — exp, log, sin, cos, tanh —
/// in Swift, so the core needs no C library and gives the same bits on every platform (native and
/// WebAssembly print the same transcript). Double precision, within about one unit in the last
/// place; the Float versions round the Double result once.
///
/// Each reduces its argument to a small interval around 0 (by multiples of ln 2 or π/2, with the
/// constant split in two parts so the reduction is exact enough) and sums a Taylor series there.
/// They run where a few thousand calls per window are made (filterbanks, twiddles, softmax
/// normalizers), never in the per-element hot loops, which have `SIMDMath`.
package enum ScalarMath {
    // ln 2 split: the high part has trailing zero bits, so k·ln2High is exact for |k| < 2^20.
    private static let ln2High = 6.93147180369123816490e-01
    private static let ln2Low = 1.90821492927058770002e-10
    private static let ln10 = 2.302585092994045684017991454684364208

    /// e^x.
    package static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        let k = (x * 1.4426950408889634).rounded(.toNearestOrEven)
        let r = (x - k * ln2High) - k * ln2Low            // |r| ≤ 0.35
        // Taylor series of e^r to r^13 (the next term is below 2^-53 relative), by Horner.
        var p = 1.0 / 6227020800                          // 1/13!
        p = p * r + 1.0 / 479001600
        p = p * r + 1.0 / 39916800
        p = p * r + 1.0 / 3628800
        p = p * r + 1.0 / 362880
        p = p * r + 1.0 / 40320
        p = p * r + 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return scaled(p, byPowerOfTwo: Int(k))
    }

    /// `value` · 2^n, also where 2^n alone would overflow or underflow.
    private static func scaled(_ value: Double, byPowerOfTwo n: Int) -> Double {
        var v = value, n = n
        while n > 1000 { v *= Double(sign: .plus, exponent: 1000, significand: 1); n -= 1000 }
        while n < -1000 { v *= Double(sign: .plus, exponent: -1000, significand: 1); n += 1000 }
        return v * Double(sign: .plus, exponent: n, significand: 1)
    }

    /// The natural logarithm (−∞ at 0, NaN below).
    package static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        // x = m · 2^e with m in [√½, √2).
        var e = Int(x.exponent)
        var m = x.significand                              // [1, 2), also for subnormals
        if m > 1.4142135623730951 { m /= 2; e += 1 }
        // log m = log(1 + f) = f − f²/2 + s·(f²/2 + R), s = f/(2 + f), R = Σ 2 s^2k/(2k + 1) (to s^20),
        // summed so that the small terms are added before the large ones (fdlibm's arrangement).
        let f = m - 1                                      // exact for m in [√½, √2)
        let s = f / (2 + f)
        let z = s * s
        var r = 2.0 / 21
        var d = 19.0
        while d >= 3 { r = r * z + 2 / d; d -= 2 }
        r *= z
        let halfSquare = 0.5 * f * f
        let k = Double(e)
        return k * ln2High - ((halfSquare - (s * (halfSquare + r) + k * ln2Low)) - f)
    }

    /// The base-10 logarithm.
    package static func log10(_ x: Double) -> Double { log(x) / ln10 }

    /// sin x (accurate for |x| up to about 10^5: reduction by π/2 in two parts).
    package static func sin(_ x: Double) -> Double {
        let (quadrant, r) = reduced(x)
        switch quadrant & 3 {
        case 0: return sinPolynomial(r)
        case 1: return cosPolynomial(r)
        case 2: return -sinPolynomial(r)
        default: return -cosPolynomial(r)
        }
    }

    /// cos x (see `sin`).
    package static func cos(_ x: Double) -> Double {
        let (quadrant, r) = reduced(x)
        switch quadrant & 3 {
        case 0: return cosPolynomial(r)
        case 1: return -sinPolynomial(r)
        case 2: return -cosPolynomial(r)
        default: return sinPolynomial(r)
        }
    }

    /// x = q·π/2 + r with |r| ≤ π/4.
    private static func reduced(_ x: Double) -> (Int, Double) {
        let halfPiHigh = 1.57079632673412561417e+00       // trailing zero bits: q·halfPiHigh exact
        let halfPiLow = 6.07710050650619224932e-11
        let q = (x * 0.63661977236758134308).rounded(.toNearestOrEven)
        return (Int(q), (x - q * halfPiHigh) - q * halfPiLow)
    }

    /// sin r for |r| ≤ π/4: Taylor series to r^19.
    private static func sinPolynomial(_ r: Double) -> Double {
        let r2 = r * r
        var p = -1.0 / 121645100408832000                  // −1/19!
        p = p * r2 + 1.0 / 355687428096000
        p = p * r2 - 1.0 / 1307674368000
        p = p * r2 + 1.0 / 6227020800
        p = p * r2 - 1.0 / 39916800
        p = p * r2 + 1.0 / 362880
        p = p * r2 - 1.0 / 5040
        p = p * r2 + 1.0 / 120
        p = p * r2 - 1.0 / 6
        return r + r * r2 * p
    }

    /// cos r for |r| ≤ π/4: Taylor series to r^20.
    private static func cosPolynomial(_ r: Double) -> Double {
        let r2 = r * r
        var p = 1.0 / 2432902008176640000                  // 1/20!
        p = p * r2 - 1.0 / 6402373705728000
        p = p * r2 + 1.0 / 20922789888000
        p = p * r2 - 1.0 / 87178291200
        p = p * r2 + 1.0 / 479001600
        p = p * r2 - 1.0 / 3628800
        p = p * r2 + 1.0 / 40320
        p = p * r2 - 1.0 / 720
        p = p * r2 + 1.0 / 24
        p = p * r2 - 0.5
        return 1 + r2 * p
    }

    /// e^x in single precision.
    @inline(__always) package static func exp(_ x: Float) -> Float { Float(exp(Double(x))) }

    /// log10 x in single precision.
    @inline(__always) package static func log10(_ x: Float) -> Float { Float(log10(Double(x))) }

    /// tanh x in single precision.
    package static func tanh(_ x: Float) -> Float {
        let a = Double(x.magnitude)
        if x.isNaN { return x }
        if a > 20 { return x < 0 ? -1 : 1 }
        let t: Double
        if a < 0.125 {
            // Series: avoids the cancellation of the exp form near 0.
            let a2 = a * a
            t = a * (1 + a2 * (-1.0 / 3 + a2 * (2.0 / 15 + a2 * (-17.0 / 315 + a2 * (62.0 / 2835 + a2 * (-1382.0 / 155925))))))
        } else {
            let e = exp(2 * a)
            t = (e - 1) / (e + 1)
        }
        return Float(x < 0 ? -t : t)
    }
}
