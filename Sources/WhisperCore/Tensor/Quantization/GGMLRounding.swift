/// Rounding steps of GGML's reference quantizers, reproduced exactly.
enum GGMLRounding {
    /// C's float → integer conversion as x86-64 performs it (`cvttss2si`): truncation toward zero,
    /// and the "integer indefinite" 0x80000000 for NaN and out-of-range values. GGML converts to
    /// `int8_t`/`uint8_t` through it, keeping the low byte.
    @inline(__always)
    static func truncatingInt32(_ v: Float) -> Int32 {
        guard v >= -2147483648, v < 2147483648 else { return Int32.min }
        return Int32(v)
    }

    /// `(int8_t)v`.
    @inline(__always)
    static func int8(_ v: Float) -> Int8 { Int8(truncatingIfNeeded: truncatingInt32(v)) }

    /// `(uint8_t)v`.
    @inline(__always)
    static func uint8(_ v: Float) -> UInt8 { UInt8(truncatingIfNeeded: truncatingInt32(v)) }

    /// `MIN(limit, (int8_t)v)` stored into a `uint8_t`, as the 4- and 5-bit quantizers do.
    @inline(__always)
    static func clampedCode(_ v: Float, limit: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: Swift.min(limit, Int(int8(v))))
    }

    /// The value of largest magnitude (the first one, on ties) and that magnitude.
    @inline(__always)
    static func signedAbsoluteMaximum(_ x: UnsafePointer<Float>) -> (max: Float, amax: Float) {
        var amax: Float = 0
        var max: Float = 0
        for j in 0..<32 where amax < x[j].magnitude {
            amax = x[j].magnitude
            max = x[j]
        }
        return (max, amax)
    }

    /// Minimum and maximum of 32 values.
    @inline(__always)
    static func range(_ x: UnsafePointer<Float>) -> (min: Float, max: Float) {
        var min = Float.greatestFiniteMagnitude
        var max = -Float.greatestFiniteMagnitude
        for j in 0..<32 {
            if x[j] < min { min = x[j] }
            if x[j] > max { max = x[j] }
        }
        return (min, max)
    }

    /// `d ? 1.0f/d : 0.0f`.
    @inline(__always)
    static func inverse(_ d: Float) -> Float { d != 0 ? 1 / d : 0 }

    /// Packs codes 0..<16 (low nibbles) and 16..<32 (high nibbles) of 4-bit values.
    @inline(__always)
    static func nibbles(_ codes: [UInt8]) -> SIMD16<UInt8> {
        var n = SIMD16<UInt8>()
        for j in 0..<16 { n[j] = (codes[j] & 0x0F) | ((codes[j + 16] & 0x0F) << 4) }
        return n
    }

    /// The fifth bits of 32 codes: bit j = bit 4 of code j.
    @inline(__always)
    static func fifthBits(_ codes: [UInt8]) -> UInt32 {
        var h: UInt32 = 0
        for j in 0..<32 { h |= UInt32((codes[j] & 0x10) >> 4) << UInt32(j) }
        return h
    }
}
