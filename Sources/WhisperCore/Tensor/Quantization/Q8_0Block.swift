/// GGML's `q8_0`: 32 weights as signed 8-bit codes, `value = q·d`.
///
/// Layout (34 bytes): f16 `d`, then the 32 codes as `int8`.
package struct Q8_0Block: QuantizedBlock {
    package static let tensorType = GGMLTensorType.q8_0

    /// The scale `d`, as f16 bits.
    package var scaleBits: UInt16
    /// The 32 signed codes.
    package var codes: SIMD32<Int8>

    package init(scaleBits: UInt16, codes: SIMD32<Int8>) {
        self.scaleBits = scaleBits
        self.codes = codes
    }

    package var scale: Float { HalfPrecision.float(fromBits: scaleBits) }

    package init(loadingFrom source: UnsafeRawPointer) {
        scaleBits = source.loadUnaligned(as: UInt16.self).littleEndian
        codes = source.loadUnaligned(fromByteOffset: 2, as: SIMD32<Int8>.self)
    }

    package func store(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: scaleBits.littleEndian, as: UInt16.self)
        destination.storeBytes(of: codes, toByteOffset: 2, as: SIMD32<Int8>.self)
    }

    package func code(at index: Int) -> Int { Int(codes[index]) }

    package func value(at index: Int) -> Float { Float(codes[index]) * scale }

    /// The scale maps the largest magnitude to ±127; codes round half away from zero (`roundf`).
    package init(quantizing x: UnsafePointer<Float>) {
        var amax: Float = 0
        for j in 0..<32 { amax = amax > x[j].magnitude ? amax : x[j].magnitude }  // C's MAX, NaN included
        let d = amax / 127
        let id = GGMLRounding.inverse(d)
        var codes = SIMD32<Int8>()
        for j in 0..<32 { codes[j] = GGMLRounding.int8((x[j] * id).rounded(.toNearestOrAwayFromZero)) }
        self.init(scaleBits: HalfPrecision.bits(from: d), codes: codes)
    }
}
