/// GGML's `q4_0`: 32 weights as 4-bit codes around zero, `value = (q − 8)·d`.
///
/// Layout (18 bytes): f16 `d`, then 16 bytes of nibbles — weight `j` in the low nibble of byte `j`,
/// weight `j + 16` in the high nibble.
package struct Q4_0Block: QuantizedBlock {
    package static let tensorType = GGMLTensorType.q4_0

    /// The scale `d`, as f16 bits.
    package var scaleBits: UInt16
    /// Byte `j`: code of weight `j` (low nibble) and of weight `j + 16` (high nibble).
    package var nibbles: SIMD16<UInt8>

    package init(scaleBits: UInt16, nibbles: SIMD16<UInt8>) {
        self.scaleBits = scaleBits
        self.nibbles = nibbles
    }

    package var scale: Float { HalfPrecision.float(fromBits: scaleBits) }

    package init(loadingFrom source: UnsafeRawPointer) {
        scaleBits = source.loadUnaligned(as: UInt16.self).littleEndian
        nibbles = source.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self)
    }

    package func store(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: scaleBits.littleEndian, as: UInt16.self)
        destination.storeBytes(of: nibbles, toByteOffset: 2, as: SIMD16<UInt8>.self)
    }

    package func code(at index: Int) -> Int { Int(nibbles.nibble(at: index)) }

    package func value(at index: Int) -> Float { Float(code(at: index) - 8) * scale }

    /// The scale maps the value of largest magnitude to code 0 (−8·d); codes round half up
    /// (`(int8_t)(x/d + 8.5)`) and are capped at 15.
    package init(quantizing x: UnsafePointer<Float>) {
        let (max, _) = GGMLRounding.signedAbsoluteMaximum(x)
        let d = max / -8
        let id = GGMLRounding.inverse(d)
        var codes = [UInt8](repeating: 0, count: 32)
        for j in 0..<32 { codes[j] = GGMLRounding.clampedCode(x[j] * id + 8.5, limit: 15) }
        self.init(scaleBits: HalfPrecision.bits(from: d), nibbles: GGMLRounding.nibbles(codes))
    }
}
