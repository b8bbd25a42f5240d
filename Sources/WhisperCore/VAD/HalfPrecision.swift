/// Half-precision rounding of activations.
///
/// whisper.cpp runs every convolution of the VAD network through GGML's `im2col`, which stores the
/// input in f16 before multiplying it with the (f16) kernel. Rounding the inputs the same way keeps
/// our probabilities within about 2e-4 of whisper.cpp's; without it they drift by 1e-2.
enum HalfPrecision {
    /// `x` rounded to the nearest IEEE half-precision value (ties to even), as a Float.
    @inline(__always)
    static func round(_ x: Float) -> Float {
        #if !(os(macOS) && arch(x86_64))
        return Float(Float16(x))
        #else
        return roundPortably(x)
        #endif
    }

    /// The same rounding by bit manipulation, for platforms without `Float16`.
    static func roundPortably(_ x: Float) -> Float {
        let bits = x.bitPattern
        let sign = bits & 0x8000_0000
        let magnitudeBits = bits & 0x7FFF_FFFF
        if magnitudeBits >= 0x7F80_0000 { return x }                  // infinity or NaN
        let magnitude = Float(bitPattern: magnitudeBits)
        var rounded: Float
        if magnitude >= 65_520 {
            // Halfway between the largest half (65504) and 65536 and above: overflow to infinity.
            rounded = .infinity
        } else if magnitude < 0x1p-14 {
            // Subnormal halves are the multiples of 2⁻²⁴; at 0.5 a Float's spacing is exactly 2⁻²⁴,
            // so adding 0.5 rounds (to even) onto that grid.
            rounded = (magnitude + 0.5) - 0.5
        } else {
            // Normal: keep 10 of the 23 mantissa bits, rounding to nearest, ties to even. A carry
            // out of the mantissa correctly bumps the exponent.
            let lowestKept = (magnitudeBits >> 13) & 1
            rounded = Float(bitPattern: (magnitudeBits + 0x0FFF + lowestKept) & ~UInt32(0x1FFF))
        }
        return sign != 0 ? -rounded : rounded
    }
}
