/// GGML's `q5_0`: 32 weights as 5-bit codes around zero, `value = (q − 16)·d`.
///
/// Layout (22 bytes): f16 `d`; 4 bytes of fifth bits (a little-endian `UInt32`, bit `j` = bit 4 of
/// code `j`); 16 bytes of low nibbles — weight `j` in the low nibble of byte `j`, weight `j + 16` in
/// the high nibble.
package struct Q5_0Block: QuantizedBlock {
    package static let tensorType = GGMLTensorType.q5_0

    /// The scale `d`, as f16 bits.
    package var scaleBits: UInt16
    /// Bit `j` is the fifth (most significant) bit of code `j`.
    package var fifthBits: UInt32
    /// Byte `j`: low four bits of code `j` (low nibble) and of code `j + 16` (high nibble).
    package var nibbles: SIMD16<UInt8>

    package init(scaleBits: UInt16, fifthBits: UInt32, nibbles: SIMD16<UInt8>) {
        self.scaleBits = scaleBits
        self.fifthBits = fifthBits
        self.nibbles = nibbles
    }

    package var scale: Float { HalfPrecision.float(fromBits: scaleBits) }

    package init(loadingFrom source: UnsafeRawPointer) {
        scaleBits = source.loadUnaligned(as: UInt16.self).littleEndian
        fifthBits = source.loadUnaligned(fromByteOffset: 2, as: UInt32.self).littleEndian
        nibbles = source.loadUnaligned(fromByteOffset: 6, as: SIMD16<UInt8>.self)
    }

    package func store(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: scaleBits.littleEndian, as: UInt16.self)
        destination.storeBytes(of: fifthBits.littleEndian, toByteOffset: 2, as: UInt32.self)
        destination.storeBytes(of: nibbles, toByteOffset: 6, as: SIMD16<UInt8>.self)
    }

    package func code(at index: Int) -> Int {
        Int(nibbles.nibble(at: index)) | Int((fifthBits >> UInt32(index)) & 1) << 4
    }

    package func value(at index: Int) -> Float { Float(code(at: index) - 16) * scale }

    /// The scale maps the value of largest magnitude to code 0 (−16·d); codes round half up
    /// (`(int8_t)(x/d + 16.5)`), capped at 31.
    package init(quantizing x: UnsafePointer<Float>) {
        let (max, _) = GGMLRounding.signedAbsoluteMaximum(x)
        let d = max / -16
        let id = GGMLRounding.inverse(d)
        var codes = [UInt8](repeating: 0, count: 32)
        for j in 0..<32 { codes[j] = GGMLRounding.clampedCode(x[j] * id + 16.5, limit: 31) }
        self.init(scaleBits: HalfPrecision.bits(from: d), fifthBits: GGMLRounding.fifthBits(codes),
                  nibbles: GGMLRounding.nibbles(codes))
    }
}
