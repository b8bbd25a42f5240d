/// A block of 32 weights in one of GGML's quantized formats.
///
/// Every format stores an f16 scale `d` (the `_1` formats also an f16 minimum `m`) and one small
/// integer code `q` per weight; the weight is `(q − offset)·d` or `q·d + m`. Blocks sit back to back
/// in a row, at any byte alignment, so they are read and written field by field (`init(loadingFrom:)`,
/// `store(to:)`), never by binding memory. The kernels decode blocks with SIMD directly
/// (`WeightRowDecoder`); these types are the readable definition and the quantizers.
public protocol QuantizedBlock: Equatable, Sendable {
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
    public static var valueCount: Int { 32 }

    /// Bytes per stored block.
    public static var byteCount: Int { tensorType.bytesPerBlock }

    /// Writes the 32 values to `destination`.
    public func dequantize(into destination: UnsafeMutablePointer<Float>) {
        for j in 0..<32 { destination[j] = value(at: j) }
    }

    /// The 32 values.
    public var values: [Float] { (0..<32).map { value(at: $0) } }

    /// Quantizes 32 floats (see `init(quantizing:)`).
    public init(quantizing values: [Float]) {
        precondition(values.count == 32, "a block holds 32 values")
        self = values.withUnsafeBufferPointer { Self(quantizing: $0.baseAddress!) }
    }

    /// Reads a block from exactly `byteCount` bytes.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a \(Self.tensorType) block is \(Self.byteCount) bytes")
        self = bytes.withUnsafeBytes { Self(loadingFrom: $0.baseAddress!) }
    }

    /// The block's stored bytes.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, count in
            store(to: UnsafeMutableRawPointer(buffer.baseAddress!))
            count = Self.byteCount
        }
    }
}

/// Rounding steps of GGML's reference quantizers, reproduced exactly.
enum GGMLRounding {
    /// C's float → integer conversion as x86-64 performs it (`cvttss2si`): truncation toward zero,
    /// and the "integer indefinite" 0x80000000 for NaN and out-of-range values. GGML converts to
    /// `int8_t`/`uint8_t` through it, keeping the low byte.
    @inline(__always)
    static func truncatingInt32(_ v: Float) -> Int32 {
        guard v >= -2147483648, v < 2147483648 else { return Int32.min }
        return Int32(v)
    }

    /// `(int8_t)v`.
    @inline(__always)
    static func int8(_ v: Float) -> Int8 { Int8(truncatingIfNeeded: truncatingInt32(v)) }

    /// `(uint8_t)v`.
    @inline(__always)
    static func uint8(_ v: Float) -> UInt8 { UInt8(truncatingIfNeeded: truncatingInt32(v)) }

    /// `MIN(limit, (int8_t)v)` stored into a `uint8_t`, as the 4- and 5-bit quantizers do.
    @inline(__always)
    static func clampedCode(_ v: Float, limit: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: Swift.min(limit, Int(int8(v))))
    }

    /// The value of largest magnitude (the first one, on ties) and that magnitude.
    @inline(__always)
    static func signedAbsoluteMaximum(_ x: UnsafePointer<Float>) -> (max: Float, amax: Float) {
        var amax: Float = 0
        var max: Float = 0
        for j in 0..<32 where amax < x[j].magnitude {
            amax = x[j].magnitude
            max = x[j]
        }
        return (max, amax)
    }

    /// Minimum and maximum of 32 values.
    @inline(__always)
    static func range(_ x: UnsafePointer<Float>) -> (min: Float, max: Float) {
        var min = Float.greatestFiniteMagnitude
        var max = -Float.greatestFiniteMagnitude
        for j in 0..<32 {
            if x[j] < min { min = x[j] }
            if x[j] > max { max = x[j] }
        }
        return (min, max)
    }

    /// `d ? 1.0f/d : 0.0f`.
    @inline(__always)
    static func inverse(_ d: Float) -> Float { d != 0 ? 1 / d : 0 }

    /// Packs codes 0..<16 (low nibbles) and 16..<32 (high nibbles) of 4-bit values.
    @inline(__always)
    static func nibbles(_ codes: [UInt8]) -> SIMD16<UInt8> {
        var n = SIMD16<UInt8>()
        for j in 0..<16 { n[j] = (codes[j] & 0x0F) | ((codes[j + 16] & 0x0F) << 4) }
        return n
    }

    /// The fifth bits of 32 codes: bit j = bit 4 of code j.
    @inline(__always)
    static func fifthBits(_ codes: [UInt8]) -> UInt32 {
        var h: UInt32 = 0
        for j in 0..<32 { h |= UInt32((codes[j] & 0x10) >> 4) << UInt32(j) }
        return h
    }
}

extension SIMD16 where Scalar == UInt8 {
    /// The 4-bit code of element `index` (0..<32) of a nibble-packed block.
    @inline(__always)
    func nibble(at index: Int) -> UInt8 {
        index < 16 ? self[index] & 0x0F : self[index - 16] >> 4
    }
}
