/// IEEE 754 half precision (f16), the storage type of most whisper.cpp weights.
///
/// Values travel as their 16-bit patterns (`UInt16`) because Swift's `Float16` does not exist on
/// macOS x86_64; where it exists the conversions use it (with `-target-cpu native` on x86 they become
/// single `vcvtph2ps` / `vcvtps2ph` instructions), elsewhere an exact bit-level fallback runs — also
/// in an x86-64 build for the baseline CPU (no `-D WHISPER_TARGET_CPU`, see `BuildInfo`), where
/// `Float16` conversions are a library call per value, and on WebAssembly, which has no half-float
/// instructions. Both give the same bits.
package enum HalfPrecision {
    // MARK: scalar

    /// The exact `Float` value of the half-precision bit pattern `bits`.
    @inline(__always)
    package static func float(fromBits bits: UInt16) -> Float {
        #if !(arch(x86_64) && (os(macOS) || !WHISPER_TARGET_CPU)) && !arch(wasm32)
        return Float(Float16(bitPattern: bits))
        #else
        return portableFloat(fromBits: bits)
        #endif
    }

    /// The half-precision bit pattern nearest to `value` (ties to even), as GGML's
    /// `GGML_FP32_TO_FP16` computes it: too large → ±infinity, NaN → the quiet NaN `0x7E00` with the sign.
    ///
    /// Always bit-level, so that quantizers produce the same bytes on every platform.
    package static func bits(from value: Float) -> UInt16 {
        let x = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (x >> 16) & 0x8000)
        let magnitude = x & 0x7FFF_FFFF
        if magnitude > 0x7F80_0000 { return sign | 0x7E00 }           // NaN
        if magnitude >= 0x477F_F000 { return sign | 0x7C00 }          // ≥ 65520 rounds to infinity
        if magnitude >= 0x3880_0000 {                                 // normal half: |x| ≥ 2⁻¹⁴
            let exponent = (magnitude >> 23) &- 112                   // rebias 127 → 15
            let mantissa = magnitude & 0x7F_FFFF
            var half = (exponent << 10) | (mantissa >> 13)
            let rest = mantissa & 0x1FFF
            if rest > 0x1000 || (rest == 0x1000 && half & 1 == 1) { half += 1 }  // a carry may bump the exponent: still right
            return sign | UInt16(truncatingIfNeeded: half)
        }
        // Subnormal half (units of 2⁻²⁴) or zero.
        let biased = magnitude >> 23
        if biased < 102 { return sign }                               // below 2⁻²⁵: rounds to zero
        let significand = (magnitude & 0x7F_FFFF) | 0x80_0000         // value = significand · 2^(biased − 150)
        let shift = 126 &- biased                                     // 14 ... 24
        var half = significand >> shift
        let rest = significand & ((1 << shift) &- 1)
        let halfway: UInt32 = 1 << (shift &- 1)
        if rest > halfway || (rest == halfway && half & 1 == 1) { half += 1 }
        return sign | UInt16(truncatingIfNeeded: half)
    }

    /// Bit-level f16 → f32, used where `Float16` is unavailable; kept visible to tests on every platform.
    @inline(__always)
    static func portableFloat(fromBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24                 // subnormal or zero: exact
            return Float(bitPattern: sign | magnitude.bitPattern)
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    // MARK: SIMD

    /// Converts 16 half-precision bit patterns to `Float`, exactly.
    @inline(__always)
    package static func floats(fromBits bits: SIMD16<UInt16>) -> SIMD16<Float> {
        #if !(arch(x86_64) && (os(macOS) || !WHISPER_TARGET_CPU)) && !arch(wasm32)
        let halves = unsafeBitCast(bits, to: SIMD16<Float16>.self)
        var result = SIMD16<Float>()
        for i in 0..<16 { result[i] = Float(halves[i]) }             // one vcvtph2ps (see SIMDConversion)
        return result
        #else
        return portableFloats(fromBits: bits)
        #endif
    }

    /// Loads 16 consecutive f16 values at `source` (any alignment) as `Float`.
    @inline(__always)
    package static func loadFloats(_ source: UnsafeRawPointer) -> SIMD16<Float> {
        floats(fromBits: source.loadUnaligned(as: SIMD16<UInt16>.self))
    }

    /// Converts 16 floats to half-precision bit patterns, ties to even.
    @inline(__always)
    package static func bits(from values: SIMD16<Float>) -> SIMD16<UInt16> {
        #if !(arch(x86_64) && (os(macOS) || !WHISPER_TARGET_CPU)) && !arch(wasm32)
        var result = SIMD16<UInt16>()
        for i in 0..<16 { result[i] = Float16(values[i]).bitPattern }  // vcvtps2ph
        return result
        #else
        var result = SIMD16<UInt16>()
        for i in 0..<16 { result[i] = bits(from: values[i]) }
        return result
        #endif
    }

    /// Bit-level SIMD f16 → f32: the bits sign-extended and shifted left by 13 put the sign in bit 31
    /// (its copies in bits 28–30 masked off) and exponent and mantissa where an f32's go; multiplying
    /// by 2¹¹² then rebiases normals and normalizes subnormals in one exact step. Infinities and NaNs
    /// (exponent 31) get the f32 exponent 255: a mask made by arithmetic — exponent + 1 carries into
    /// bit 28 only for 31 — since SIMD comparisons and `replace(with:where:)` run lane by lane
    /// without SSE4/AVX. Ten vector operations per four lanes on WebAssembly.
    @inline(__always)
    static func portableFloats(fromBits bits: SIMD16<UInt16>) -> SIMD16<Float> {
        let shifted = (SIMDConversion.signExtended(bits) &<< 13) & 0x8FFF_E000
        let value = unsafeBitCast(unsafeBitCast(shifted, to: SIMD16<Float>.self) * 0x1p112, to: SIMD16<UInt32>.self)
        let special = SIMD16<UInt32>() &- (((shifted & 0x0F80_0000) &+ 0x0080_0000) &>> 28)
        return unsafeBitCast(value | (special & 0x7F80_0000), to: SIMD16<Float>.self)
    }

    // MARK: buffers

    /// Converts `count` f16 values at `source` (any alignment) to floats at `destination`.
    package static func convert(halfBits source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 16 <= count {
            SIMDMemory.store(loadFloats(source + 2 * i), destination + i)
            i += 16
        }
        while i < count {
            destination[i] = float(fromBits: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            i += 1
        }
    }

    /// Converts `count` floats to f16 bit patterns (ties to even) at `destination` (any alignment).
    package static func convert(_ source: UnsafePointer<Float>, count: Int, intoHalfBits destination: UnsafeMutableRawPointer) {
        var i = 0
        while i + 16 <= count {
            destination.storeBytes(of: bits(from: SIMDMemory.load(source + i)), toByteOffset: 2 * i, as: SIMD16<UInt16>.self)
            i += 16
        }
        while i < count {
            destination.storeBytes(of: bits(from: source[i]), toByteOffset: 2 * i, as: UInt16.self)
            i += 1
        }
    }
}
