/// GGML's `q5_1`: 32 weights as 5-bit codes above a minimum, `value = q·d + m`.
///
/// Layout (24 bytes): f16 `d`, f16 `m`; 4 bytes of fifth bits (a little-endian `UInt32`, bit `j` =
/// bit 4 of code `j`); 16 bytes of low nibbles — weight `j` in the low nibble of byte `j`, weight
/// `j + 16` in the high nibble.
package struct Q5_1Block: QuantizedBlock {
    package static let tensorType = GGMLTensorType.q5_1

    /// The scale `d`, as f16 bits.
    package var scaleBits: UInt16
    /// The minimum `m`, as f16 bits.
    package var minimumBits: UInt16
    /// Bit `j` is the fifth (most significant) bit of code `j`.
    package var fifthBits: UInt32
    /// Byte `j`: low four bits of code `j` (low nibble) and of code `j + 16` (high nibble).
    package var nibbles: SIMD16<UInt8>

    package init(scaleBits: UInt16, minimumBits: UInt16, fifthBits: UInt32, nibbles: SIMD16<UInt8>) {
        self.scaleBits = scaleBits
        self.minimumBits = minimumBits
        self.fifthBits = fifthBits
        self.nibbles = nibbles
    }

    package var scale: Float { HalfPrecision.float(fromBits: scaleBits) }
    package var minimum: Float { HalfPrecision.float(fromBits: minimumBits) }

    package init(loadingFrom source: UnsafeRawPointer) {
        scaleBits = source.loadUnaligned(as: UInt16.self).littleEndian
        minimumBits = source.loadUnaligned(fromByteOffset: 2, as: UInt16.self).littleEndian
        fifthBits = source.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        nibbles = source.loadUnaligned(fromByteOffset: 8, as: SIMD16<UInt8>.self)
    }

    package func store(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: scaleBits.littleEndian, as: UInt16.self)
        destination.storeBytes(of: minimumBits.littleEndian, toByteOffset: 2, as: UInt16.self)
        destination.storeBytes(of: fifthBits.littleEndian, toByteOffset: 4, as: UInt32.self)
        destination.storeBytes(of: nibbles, toByteOffset: 8, as: SIMD16<UInt8>.self)
    }

    package func code(at index: Int) -> Int {
        Int(nibbles.nibble(at: index)) | Int((fifthBits >> UInt32(index)) & 1) << 4
    }

    package func value(at index: Int) -> Float { Float(code(at: index)) * scale + minimum }

    /// The 32 codes span [min, max]; codes round half up (`(uint8_t)((x − min)/d + 0.5)`), uncapped:
    /// a code of 32 keeps only its low five bits, as in GGML.
    package init(quantizing x: UnsafePointer<Float>) {
        let (min, max) = GGMLRounding.range(x)
        let d = (max - min) / 31
        let id = GGMLRounding.inverse(d)
        var codes = [UInt8](repeating: 0, count: 32)
        for j in 0..<32 { codes[j] = GGMLRounding.uint8((x[j] - min) * id + 0.5) }
        self.init(scaleBits: HalfPrecision.bits(from: d), minimumBits: HalfPrecision.bits(from: min),
                  fifthBits: GGMLRounding.fifthBits(codes), nibbles: GGMLRounding.nibbles(codes))
    }
}
