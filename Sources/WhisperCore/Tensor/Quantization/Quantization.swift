/// Conversion of floats to a storage type, bit-exact with GGML's reference quantizers
/// (`quantize_row_*_ref`), which whisper.cpp's `quantize` tool uses for model files.
package enum Quantization {
    /// Stores `count` floats as `type` at `destination` (any alignment): f32 copied, f16 rounded to
    /// nearest even, quantized types block by block. Throws when `count` is not a whole number of blocks.
    package static func quantize(_ source: UnsafePointer<Float>, count: Int, as type: GGMLTensorType,
                                into destination: UnsafeMutableRawPointer) throws(TensorError) {
        guard count >= 0, count % type.blockSize == 0 else { throw TensorError.notWholeBlocks(type: type, count: count) }
        switch type {
        case .f32:
            for i in 0..<count { destination.storeBytes(of: source[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        case .f16:
            for i in 0..<count { destination.storeBytes(of: HalfPrecision.bits(from: source[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self) }
        case .q4_0: quantizeBlocks(Q4_0Block.self, source, count, destination)
        case .q4_1: quantizeBlocks(Q4_1Block.self, source, count, destination)
        case .q5_0: quantizeBlocks(Q5_0Block.self, source, count, destination)
        case .q5_1: quantizeBlocks(Q5_1Block.self, source, count, destination)
        case .q8_0: quantizeBlocks(Q8_0Block.self, source, count, destination)
        }
    }

    /// `count` floats stored as `type`, as bytes.
    package static func quantize(_ values: [Float], as type: GGMLTensorType) throws(TensorError) -> [UInt8] {
        guard let bytes = type.byteCount(elements: values.count) else {
            throw TensorError.notWholeBlocks(type: type, count: values.count)
        }
        var result = [UInt8](repeating: 0, count: bytes)
        try values.withUnsafeBufferPointer { (source) throws(TensorError) in
            try result.withUnsafeMutableBufferPointer { (destination) throws(TensorError) in
                guard let s = source.baseAddress, let d = destination.baseAddress else { return }
                try quantize(s, count: values.count, as: type, into: UnsafeMutableRawPointer(d))
            }
        }
        return result
    }

    static func quantizeBlocks<B: QuantizedBlock>(_: B.Type, _ source: UnsafePointer<Float>, _ count: Int,
                                                  _ destination: UnsafeMutableRawPointer) {
        for b in 0..<(count / 32) {
            B(quantizing: source + 32 * b).store(to: destination + b * B.byteCount)
        }
    }
}
