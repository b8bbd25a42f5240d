/// Lane-wise conversions between SIMD vector types, written as plain loops.
///
/// The standard library's generic converting initializers (`SIMD16<Float>(someInt32Vector)`,
/// `init(truncatingIfNeeded:)`) are too big for the inliner to take, so in a hot loop each one
/// becomes a function call with the vector spilled to memory. These loops, once inlined, are
/// vectorized by LLVM into the single instruction each conversion needs (`vpmovzxbd`, `vcvtdq2ps`,
/// `vcvtph2ps`, …).
enum SIMDConversion {
    @inline(__always)
    static func floats(_ v: SIMD16<UInt8>) -> SIMD16<Float> {
        #if arch(wasm32)
        return byteFloats(widened(v))
        #else
        var r = SIMD16<Float>()
        for i in 0..<16 { r[i] = Float(v[i]) }
        return r
        #endif
    }

    @inline(__always)
    static func floats(_ v: SIMD16<Int8>) -> SIMD16<Float> {
        #if arch(wasm32)
        // The bytes with their sign bit flipped are v + 128, in 0...255.
        return byteFloats(widened(unsafeBitCast(v, to: SIMD16<UInt8>.self) ^ 0x80)) - 128
        #else
        var r = SIMD16<Float>()
        for i in 0..<16 { r[i] = Float(v[i]) }
        return r
        #endif
    }

    /// Integers in 0...255 as floats, exactly, with integer operations only: as the low bits of
    /// 2^23's significand, minus 2^23. (WebAssembly's compiler leaves the lane-by-lane conversion
    /// loops scalar; this is two vector instructions per four lanes.)
    @inline(__always)
    static func byteFloats(_ w: SIMD16<UInt32>) -> SIMD16<Float> {
        unsafeBitCast(w | 0x4B00_0000, to: SIMD16<Float>.self) - 8_388_608
    }

    @inline(__always)
    static func floats(_ v: SIMD16<Int32>) -> SIMD16<Float> {
        var r = SIMD16<Float>()
        for i in 0..<16 { r[i] = Float(v[i]) }
        return r
    }

    @inline(__always)
    static func floats(_ v: SIMD16<UInt32>) -> SIMD16<Float> {
        var r = SIMD16<Float>()
        for i in 0..<16 { r[i] = Float(v[i]) }
        return r
    }

    @inline(__always)
    static func widened(_ v: SIMD16<UInt8>) -> SIMD16<UInt32> {
        var r = SIMD16<UInt32>()
        for i in 0..<16 { r[i] = UInt32(v[i]) }
        return r
    }

    @inline(__always)
    static func widened(_ v: SIMD16<UInt16>) -> SIMD16<UInt32> {
        var r = SIMD16<UInt32>()
        for i in 0..<16 { r[i] = UInt32(v[i]) }
        return r
    }

    /// Each lane's 16 bits sign-extended to 32 (as the bits of an `Int32`).
    @inline(__always)
    static func signExtended(_ v: SIMD16<UInt16>) -> SIMD16<UInt32> {
        var r = SIMD16<UInt32>()
        for i in 0..<16 { r[i] = UInt32(bitPattern: Int32(Int16(bitPattern: v[i]))) }
        return r
    }

    /// The low 16 bits of each lane.
    @inline(__always)
    static func narrowed(_ v: SIMD16<UInt32>) -> SIMD16<UInt16> {
        var r = SIMD16<UInt16>()
        for i in 0..<16 { r[i] = UInt16(truncatingIfNeeded: v[i]) }
        return r
    }

    /// Lane-wise minimum (stdlib `pointwiseMin` is not inlined either).
    @inline(__always)
    static func minimum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        var r = SIMD16<Float>()
        for i in 0..<16 { r[i] = a[i] < b[i] ? a[i] : b[i] }
        return r
    }

    /// Lane-wise maximum.
    @inline(__always)
    static func maximum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        var r = SIMD16<Float>()
        for i in 0..<16 { r[i] = a[i] > b[i] ? a[i] : b[i] }
        return r
    }

    /// `v` with lanes `0 ..< count` set to `value` (count clamped to 0...16).
    @inline(__always)
    static func replacingLeading(_ v: SIMD16<Float>, count: Int, with value: Float) -> SIMD16<Float> {
        var r = v
        for i in 0..<16 where i < count { r[i] = value }
        return r
    }

    /// Lane-wise `test(key) ? a : b` (stdlib `replacing(with:where:)` is not inlined either).
    @inline(__always)
    static func select(_ key: SIMD16<Float>, _ test: (Float) -> Bool, _ a: SIMD16<Float>,
                       else b: SIMD16<Float>) -> SIMD16<Float> {
        var r = b
        for i in 0..<16 { r[i] = test(key[i]) ? a[i] : b[i] }
        return r
    }
}
