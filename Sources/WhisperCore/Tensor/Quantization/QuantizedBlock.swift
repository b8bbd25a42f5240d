/// A block of 32 weights in one of GGML's quantized formats.
///
/// Every format stores an f16 scale `d` (the `_1` formats also an f16 minimum `m`) and one small
/// integer code `q` per weight; the weight is `(q − offset)·d` or `q·d + m`. Blocks sit back to back
/// in a row, at any byte alignment, so they are read and written field by field (`init(loadingFrom:)`,
/// `store(to:)`), never by binding memory. The kernels decode blocks with SIMD directly
/// (`WeightRowDecoder`); these types are the readable definition and the quantizers.
package protocol QuantizedBlock: Equatable, Sendable {
    /// The GGML tensor type whose rows consist of these blocks.
    static var tensorType: GGMLTensorType { get }

    /// Reads one block from `source` (`byteCount` bytes, any alignment).
    init(loadingFrom source: UnsafeRawPointer)

    /// Writes the block's `byteCount` bytes to `destination` (any alignment).
    func store(to destination: UnsafeMutableRawPointer)

    /// Quantizes 32 floats exactly as GGML's reference quantizer (`quantize_row_*_ref`) does,
    /// so that quantizing an f16 model reproduces whisper.cpp's quantized files byte for byte.
    init(quantizing values: UnsafePointer<Float>)

    /// The integer code of weight `index` (0..<32).
    func code(at index: Int) -> Int

    /// The value of weight `index` (0..<32).
    func value(at index: Int) -> Float
}

extension QuantizedBlock {
    /// Weights per block.
    package static var valueCount: Int { 32 }

    /// Bytes per stored block.
    package static var byteCount: Int { tensorType.bytesPerBlock }

    /// Writes the 32 values to `destination`.
    package func dequantize(into destination: UnsafeMutablePointer<Float>) {
        for j in 0..<32 { destination[j] = value(at: j) }
    }

    /// The 32 values.
    package var values: [Float] { (0..<32).map { value(at: $0) } }

    /// Quantizes 32 floats (see `init(quantizing:)`).
    package init(quantizing values: [Float]) {
        precondition(values.count == 32, "a block holds 32 values")
        self = values.withUnsafeBufferPointer { Self(quantizing: $0.baseAddress!) }
    }

    /// Reads a block from exactly `byteCount` bytes.
    package init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a \(Self.tensorType) block is \(Self.byteCount) bytes")
        self = bytes.withUnsafeBytes { Self(loadingFrom: $0.baseAddress!) }
    }

    /// The block's stored bytes.
    package var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, count in
            store(to: UnsafeMutableRawPointer(buffer.baseAddress!))
            count = Self.byteCount
        }
    }
}

extension SIMD16 where Scalar == UInt8 {
    /// The 4-bit code of element `index` (0..<32) of a nibble-packed block.
    @inline(__always)
    func nibble(at index: Int) -> UInt8 {
        index < 16 ? self[index] & 0x0F : self[index - 16] >> 4
    }
}
