/// The Kaiser window, the taper that turns an ideal (infinitely long) sinc low-pass into a finite
/// filter. Its β trades the width of the transition band against stopband attenuation
/// (β ≈ 9 gives about 90 dB).
enum KaiserWindow {
    /// w(u) = I₀(β·√(1 − u²)) / I₀(β) for |u| ≤ 1, and 0 outside.
    static func value(_ u: Double, beta: Double) -> Double {
        guard abs(u) <= 1 else { return 0 }
        return besselI0(beta * (1 - u * u).squareRoot()) / besselI0(beta)
    }

    /// The modified Bessel function of the first kind, order 0, by its power series
    /// Σ ((x/2)^k / k!)², which converges quickly for the arguments a window needs (x ≤ ~20).
    static func besselI0(_ x: Double) -> Double {
        let halfX = x / 2
        var term = 1.0
        var sum = 1.0
        var k = 1.0
        while term > sum * 1e-17 {
            term *= (halfX / k) * (halfX / k)
            sum += term
            k += 1
        }
        return sum
    }
}
