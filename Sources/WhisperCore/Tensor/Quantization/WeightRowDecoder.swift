/// Decoding of weight rows 32 values at a time into SIMD registers, one conforming type per storage
/// type. The GEMM packs through `decode`; the GEMV uses the split form (`codes`, `scale`, `offset`)
/// so that a block's dot product is `scale·Σ code·x + offset·Σ x` — one scaling per block instead of
/// one per weight, with the block sums of x computed once per call. Generic kernels are
/// specialized per format by the optimizer.
protocol WeightRowDecoder {
    /// Bytes holding 32 consecutive values of a row.
    static var chunkBytes: Int { get }
    /// Values 0..<16 and 16..<32 of the 32-value chunk at `p`.
    static func decode(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>)
    /// Value `index` of a row starting at `row`; only for the f32 and f16 tails shorter than 32.
    static func scalar(_ row: UnsafeRawPointer, _ index: Int) -> Float

    /// True for block formats: `value = scale·code + offset` per block.
    static var isBlockScaled: Bool { get }
    /// True when `offset` can be nonzero.
    static var hasOffset: Bool { get }
    /// The codes of the block at `p` as floats (integers, exact).
    static func codes(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>)
    static func scale(_ p: UnsafeRawPointer) -> Float
    static func offset(_ p: UnsafeRawPointer) -> Float
}

extension WeightRowDecoder {
    static var isBlockScaled: Bool { true }
    static var hasOffset: Bool { true }
    static func scalar(_ row: UnsafeRawPointer, _ index: Int) -> Float { 0 }

    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        let (lo, hi) = codes(p, tables)
        let d = SIMD16<Float>(repeating: scale(p))
        let m = SIMD16<Float>(repeating: offset(p))
        return (m.multiplyAdd(lo, d), m.multiplyAdd(hi, d))
    }

    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        HalfPrecision.float(fromBits: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self).littleEndian)
    }

    /// The codes of a nibble-packed block: weights 0..<16 (low nibbles) and 16..<32 (high nibbles).
    @inline(__always)
    static func fourBitCodes(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let bytes = p.loadUnaligned(as: SIMD16<UInt8>.self)
        return (SIMDConversion.floats(bytes & 0x0F), SIMDConversion.floats(bytes &>> 4))
    }

    /// Five-bit codes: the nibbles at `nibbles`, plus bit `j` of the 32-bit word at `high` as bit 4
    /// of code `j`. The fifth bits are merged while the codes are still bytes, with cheap 128/256-bit
    /// operations: each byte of the word is replicated over 8 byte lanes (one `vpshufb`), lane `j`
    /// keeps only its own bit (`& 1 << (j % 8)`), and adding 0x7F carries a set bit into bit 7, which
    /// a shift brings down to bit 4. (Done on 32-bit lanes: no byte can carry into the next.)
    @inline(__always)
    static func fiveBitCodes(_ nibbles: UnsafeRawPointer, high: UnsafeRawPointer,
                             _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        let bytes = nibbles.loadUnaligned(as: SIMD16<UInt8>.self)
        let q = high.loadUnaligned(as: SIMD4<UInt8>.self)
        let spread = SIMD32<UInt8>(q[0], q[0], q[0], q[0], q[0], q[0], q[0], q[0], q[1], q[1], q[1], q[1], q[1], q[1], q[1], q[1],
                                   q[2], q[2], q[2], q[2], q[2], q[2], q[2], q[2], q[3], q[3], q[3], q[3], q[3], q[3], q[3], q[3])
        let words = unsafeBitCast(spread, to: SIMD8<UInt32>.self)
        let fifth = (((words & tables.laneBits.pointee) &+ 0x7F7F_7F7F) &>> 3) & 0x1010_1010
        let lo = (bytes & 0x0F) | unsafeBitCast(fifth.lowHalf, to: SIMD16<UInt8>.self)
        let hi = (bytes &>> 4) | unsafeBitCast(fifth.highHalf, to: SIMD16<UInt8>.self)
        return (SIMDConversion.floats(lo), SIMDConversion.floats(hi))
    }
}

extension SIMD8 where Scalar == UInt32 {
    /// Alternating `low`, `high` in lanes 0, 1, 2, ….
    fileprivate func replacingLanes(low: UInt32, high: UInt32) -> SIMD8<UInt32> {
        var r = self
        for i in 0..<8 { r[i] = i % 2 == 0 ? low : high }
        return r
    }
}

/// Lookup tables for decoding, built once; passed to the decoders explicitly so hot loops never
/// touch a lazily initialized global.
struct DecodingTables {
    /// Byte lane `j` (of 32) holds `1 << (j % 8)`. Kept in memory rather than written as a literal:
    /// with the lane values in sight, the optimizer splits the byte arithmetic into per-lane shuffles.
    let laneBits: UnsafePointer<SIMD8<UInt32>>

    static let shared: DecodingTables = {
        let bits = UnsafeMutablePointer<SIMD8<UInt32>>.allocate(capacity: 1)
        bits.initialize(to: SIMD8<UInt32>(repeating: 0).replacingLanes(low: 0x0804_0201, high: 0x8040_2010))
        return DecodingTables(laneBits: UnsafePointer(bits))
    }()
}

enum F32Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 128 }
    static var isBlockScaled: Bool { false }
    static var hasOffset: Bool { false }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        (p.loadUnaligned(as: SIMD16<Float>.self), p.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
    }
    @inline(__always)
    static func codes(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) { decode(p, tables) }
    static func scale(_ p: UnsafeRawPointer) -> Float { 1 }
    static func offset(_ p: UnsafeRawPointer) -> Float { 0 }
    @inline(__always)
    static func scalar(_ row: UnsafeRawPointer, _ index: Int) -> Float {
        row.loadUnaligned(fromByteOffset: 4 * index, as: Float.self)
    }
}

enum F16Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 64 }
    static var isBlockScaled: Bool { false }
    static var hasOffset: Bool { false }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        (HalfPrecision.loadFloats(p), HalfPrecision.loadFloats(p + 32))
    }
    @inline(__always)
    static func codes(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) { decode(p, tables) }
    static func scale(_ p: UnsafeRawPointer) -> Float { 1 }
    static func offset(_ p: UnsafeRawPointer) -> Float { 0 }
    @inline(__always)
    static func scalar(_ row: UnsafeRawPointer, _ index: Int) -> Float {
        HalfPrecision.float(fromBits: row.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
    }
}

/// `(q − 8)·d`: code q, offset −8d.
enum Q4_0Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 18 }
    @inline(__always)
    static func codes(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        fourBitCodes(p + 2)
    }
    @inline(__always) static func scale(_ p: UnsafeRawPointer) -> Float { half(p, 0) }
    @inline(__always) static func offset(_ p: UnsafeRawPointer) -> Float { -8 * half(p, 0) }
}

/// `q·d + m`.
enum Q4_1Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 20 }
    @inline(__always)
    static func codes(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        fourBitCodes(p + 4)
    }
    @inline(__always) static func scale(_ p: UnsafeRawPointer) -> Float { half(p, 0) }
    @inline(__always) static func offset(_ p: UnsafeRawPointer) -> Float { half(p, 2) }
}

/// `(q − 16)·d`: code q, offset −16d.
enum Q5_0Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 22 }
    @inline(__always)
    static func codes(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        fiveBitCodes(p + 6, high: p + 2, tables)
    }
    @inline(__always) static func scale(_ p: UnsafeRawPointer) -> Float { half(p, 0) }
    @inline(__always) static func offset(_ p: UnsafeRawPointer) -> Float { -16 * half(p, 0) }
}

/// `q·d + m`.
enum Q5_1Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 24 }
    @inline(__always)
    static func codes(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        fiveBitCodes(p + 8, high: p + 4, tables)
    }
    @inline(__always) static func scale(_ p: UnsafeRawPointer) -> Float { half(p, 0) }
    @inline(__always) static func offset(_ p: UnsafeRawPointer) -> Float { half(p, 2) }
}

/// `q·d`, signed 8-bit q.
enum Q8_0Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 34 }
    static var hasOffset: Bool { false }
    @inline(__always)
    static func codes(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        (SIMDConversion.floats(p.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)),
         SIMDConversion.floats(p.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)))
    }
    @inline(__always) static func scale(_ p: UnsafeRawPointer) -> Float { half(p, 0) }
    static func offset(_ p: UnsafeRawPointer) -> Float { 0 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        let (lo, hi) = codes(p, tables)
        let d = SIMD16<Float>(repeating: scale(p))
        return (lo * d, hi * d)
    }
}
