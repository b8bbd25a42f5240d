/// GGML's `q4_1`: 32 weights as 4-bit codes above a minimum, `value = q·d + m`.
///
/// Layout (20 bytes): f16 `d`, f16 `m`, then 16 bytes of nibbles — weight `j` in the low nibble of
/// byte `j`, weight `j + 16` in the high nibble.
package struct Q4_1Block: QuantizedBlock {
    package static let tensorType = GGMLTensorType.q4_1

    /// The scale `d`, as f16 bits.
    package var scaleBits: UInt16
    /// The minimum `m`, as f16 bits.
    package var minimumBits: UInt16
    /// Byte `j`: code of weight `j` (low nibble) and of weight `j + 16` (high nibble).
    package var nibbles: SIMD16<UInt8>

    package init(scaleBits: UInt16, minimumBits: UInt16, nibbles: SIMD16<UInt8>) {
        self.scaleBits = scaleBits
        self.minimumBits = minimumBits
        self.nibbles = nibbles
    }

    package var scale: Float { HalfPrecision.float(fromBits: scaleBits) }
    package var minimum: Float { HalfPrecision.float(fromBits: minimumBits) }

    package init(loadingFrom source: UnsafeRawPointer) {
        scaleBits = source.loadUnaligned(as: UInt16.self).littleEndian
        minimumBits = source.loadUnaligned(fromByteOffset: 2, as: UInt16.self).littleEndian
        nibbles = source.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self)
    }

    package func store(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: scaleBits.littleEndian, as: UInt16.self)
        destination.storeBytes(of: minimumBits.littleEndian, toByteOffset: 2, as: UInt16.self)
        destination.storeBytes(of: nibbles, toByteOffset: 4, as: SIMD16<UInt8>.self)
    }

    package func code(at index: Int) -> Int { Int(nibbles.nibble(at: index)) }

    package func value(at index: Int) -> Float { Float(code(at: index)) * scale + minimum }

    /// The 16 codes span [min, max]; codes round half up (`(int8_t)((x − min)/d + 0.5)`), capped at 15.
    package init(quantizing x: UnsafePointer<Float>) {
        let (min, max) = GGMLRounding.range(x)
        let d = (max - min) / 15
        let id = GGMLRounding.inverse(d)
        var codes = [UInt8](repeating: 0, count: 32)
        for j in 0..<32 { codes[j] = GGMLRounding.clampedCode((x[j] - min) * id + 0.5, limit: 15) }
        self.init(scaleBits: HalfPrecision.bits(from: d), minimumBits: HalfPrecision.bits(from: min),
                  nibbles: GGMLRounding.nibbles(codes))
    }
}
