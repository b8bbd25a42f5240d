/// Decoding of weight rows 32 values at a time into SIMD registers, one conforming type per storage
/// type. The GEMM packs and the GEMV streams through these, so each format's arithmetic is written
/// once; generic kernels are specialized per format by the optimizer.
protocol WeightRowDecoder {
    /// Bytes holding 32 consecutive values of a row.
    static var chunkBytes: Int { get }
    /// Decodes values 0..<16 and 16..<32 of the 32-value chunk at `p`.
    static func decode(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>)
    /// Value `index` of a row starting at `row`; only for the f32 and f16 tails shorter than 32.
    static func scalar(_ row: UnsafeRawPointer, _ index: Int) -> Float
}

/// Lane indices 0...15, for spreading bit fields over lanes.
@usableFromInline let laneIndex16 = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

extension WeightRowDecoder {
    /// The codes of a nibble-packed block as floats: low nibbles → weights 0..<16, high → 16..<32.
    @inline(__always)
    static func nibbleCodes(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let bytes = SIMD16<Int32>(truncatingIfNeeded: p.loadUnaligned(as: SIMD16<UInt8>.self))
        return (SIMD16<Float>(bytes & 0x0F), SIMD16<Float>(bytes &>> 4))
    }

    /// The fifth bits of a q5 block, as 0 or 16 per weight.
    @inline(__always)
    static func fifthBitValues(_ bits: UInt32) -> (SIMD16<Float>, SIMD16<Float>) {
        let all = SIMD16<UInt32>(repeating: bits)
        let low = ((all &>> laneIndex16) & 1) &<< 4
        let high = ((all &>> (laneIndex16 &+ 16)) & 1) &<< 4
        return (SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: low)), SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: high)))
    }

    static func scalar(_ row: UnsafeRawPointer, _ index: Int) -> Float { 0 }
}

enum F32Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 128 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        (p.loadUnaligned(as: SIMD16<Float>.self), p.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
    }
    @inline(__always)
    static func scalar(_ row: UnsafeRawPointer, _ index: Int) -> Float {
        row.loadUnaligned(fromByteOffset: 4 * index, as: Float.self)
    }
}

enum F16Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 64 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        (HalfPrecision.loadFloats(p), HalfPrecision.loadFloats(p + 32))
    }
    @inline(__always)
    static func scalar(_ row: UnsafeRawPointer, _ index: Int) -> Float {
        HalfPrecision.float(fromBits: row.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
    }
}

enum Q4_0Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 18 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let d = SIMD16<Float>(repeating: HalfPrecision.float(fromBits: p.loadUnaligned(as: UInt16.self)))
        let (lo, hi) = nibbleCodes(p + 2)
        let offset = SIMD16<Float>(repeating: 8)
        return ((lo - offset) * d, (hi - offset) * d)
    }
}

enum Q4_1Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 20 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let d = SIMD16<Float>(repeating: HalfPrecision.float(fromBits: p.loadUnaligned(as: UInt16.self)))
        let m = SIMD16<Float>(repeating: HalfPrecision.float(fromBits: p.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        let (lo, hi) = nibbleCodes(p + 4)
        return (m.addingProduct(lo, d), m.addingProduct(hi, d))
    }
}

enum Q5_0Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 22 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let d = SIMD16<Float>(repeating: HalfPrecision.float(fromBits: p.loadUnaligned(as: UInt16.self)))
        let (bitLo, bitHi) = fifthBitValues(p.loadUnaligned(fromByteOffset: 2, as: UInt32.self).littleEndian)
        let (lo, hi) = nibbleCodes(p + 6)
        let offset = SIMD16<Float>(repeating: 16)
        return ((lo + bitLo - offset) * d, (hi + bitHi - offset) * d)
    }
}

enum Q5_1Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 24 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let d = SIMD16<Float>(repeating: HalfPrecision.float(fromBits: p.loadUnaligned(as: UInt16.self)))
        let m = SIMD16<Float>(repeating: HalfPrecision.float(fromBits: p.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        let (bitLo, bitHi) = fifthBitValues(p.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian)
        let (lo, hi) = nibbleCodes(p + 8)
        return (m.addingProduct(lo + bitLo, d), m.addingProduct(hi + bitHi, d))
    }
}

enum Q8_0Decoder: WeightRowDecoder {
    static var chunkBytes: Int { 34 }
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let d = SIMD16<Float>(repeating: HalfPrecision.float(fromBits: p.loadUnaligned(as: UInt16.self)))
        let lo = SIMD16<Int32>(truncatingIfNeeded: p.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self))
        let hi = SIMD16<Int32>(truncatingIfNeeded: p.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self))
        return (SIMD16<Float>(lo) * d, SIMD16<Float>(hi) * d)
    }
}
