/// Conversion of stored weights (any `GGMLTensorType`) to `Float`: a row, a whole tensor, or a matrix.
package enum Dequantization {
    /// Converts `count` values of `type` stored at `source` (any alignment) into `destination`.
    /// Throws when `count` is not a whole number of blocks of `type`.
    package static func dequantize(_ type: GGMLTensorType, from source: UnsafeRawPointer, count: Int,
                                  into destination: UnsafeMutablePointer<Float>) throws(TensorError) {
        guard count >= 0, count % type.blockSize == 0 else { throw TensorError.notWholeBlocks(type: type, count: count) }
        switch type {
        case .f32: decodeRow(F32Decoder.self, source, count, destination)
        case .f16: HalfPrecision.convert(halfBits: source, count: count, into: destination)
        case .q4_0: decodeRow(Q4_0Decoder.self, source, count, destination)
        case .q4_1: decodeRow(Q4_1Decoder.self, source, count, destination)
        case .q5_0: decodeRow(Q5_0Decoder.self, source, count, destination)
        case .q5_1: decodeRow(Q5_1Decoder.self, source, count, destination)
        case .q8_0: decodeRow(Q8_0Decoder.self, source, count, destination)
        }
    }

    /// Converts `count` values of `type` from `bytes` to an array of floats.
    package static func dequantize(_ type: GGMLTensorType, bytes: UnsafeRawBufferPointer, count: Int) throws(TensorError) -> [Float] {
        guard let needed = type.byteCount(elements: count) else { throw TensorError.notWholeBlocks(type: type, count: count) }
        precondition(bytes.count >= needed, "buffer holds \(bytes.count) bytes, \(needed) needed")
        guard count > 0, let base = bytes.baseAddress else { return [] }
        var result = [Float](repeating: 0, count: count)
        try result.withUnsafeMutableBufferPointer { (buffer) throws(TensorError) in
            try dequantize(type, from: base, count: count, into: buffer.baseAddress!)
        }
        return result
    }

    /// Decodes a row chunk by chunk (32 values), then a scalar tail (f32/f16 rows only).
    @inline(__always)
    static func decodeRow<D: WeightRowDecoder>(_: D.Type, _ row: UnsafeRawPointer, _ count: Int,
                                               _ destination: UnsafeMutablePointer<Float>) {
        let chunks = count / 32
        let tables = DecodingTables.shared
        for c in 0..<chunks {
            let (lo, hi) = D.decode(row + c * D.chunkBytes, tables)
            SIMDMemory.store(lo, destination + 32 * c)
            SIMDMemory.store(hi, destination + 32 * c + 16)
        }
        for i in (32 * chunks)..<count { destination[i] = D.scalar(row, i) }
    }
}

extension WeightMatrix {
    /// Writes row `r` as `columns` floats into `destination`.
    package func dequantizeRow(_ r: Int, into destination: UnsafeMutablePointer<Float>) {
        precondition(r >= 0 && r < rows, "row \(r) outside 0..<\(rows)")
        if let panels { return panels.dequantizeRow(r, into: destination) }
        // The initializer guarantees whole blocks, so this cannot throw.
        try? Dequantization.dequantize(type, from: row(r), count: columns, into: destination)
    }

    /// The whole matrix as row-major floats (for tests and tools; kernels never need it).
    package func dequantized() -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            for r in 0..<rows { dequantizeRow(r, into: buffer.baseAddress! + r * columns) }
            initialized = rows * columns
        }
    }
}
