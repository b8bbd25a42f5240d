/// The element types a whisper.cpp model file can hold, numbered as GGML numbers its *tensor* types.
///
/// Quantized types store 32 elements per block: an f16 scale `d` (and an f16 minimum `m` for the
/// `_1` variants), for q5 the 32 fifth bits, then 4- or 8-bit codes. Nibbles hold element `j` in the
/// low half of byte `j` and element `j + 16` in its high half.
public enum GGMLTensorType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8

    /// Elements per storage block.
    public var blockSize: Int {
        switch self {
        case .f32, .f16: return 1
        default: return 32
        }
    }

    /// Bytes per storage block.
    public var bytesPerBlock: Int {
        switch self {
        case .f32: return 4
        case .f16: return 2
        case .q4_0: return 18   // d, 16 bytes of nibbles
        case .q4_1: return 20   // d, m, 16 bytes of nibbles
        case .q5_0: return 22   // d, 4 bytes of fifth bits, 16 bytes of nibbles
        case .q5_1: return 24   // d, m, 4 bytes of fifth bits, 16 bytes of nibbles
        case .q8_0: return 34   // d, 32 signed bytes
        }
    }

    public var isQuantized: Bool { blockSize > 1 }

    /// Storage bytes for `elements` values, or nil when `elements` is not a whole number of blocks
    /// or the size would overflow.
    public func byteCount(elements: Int) -> Int? {
        guard elements >= 0, elements % blockSize == 0 else { return nil }
        let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }

    public var description: String {
        switch self {
        case .f32: return "f32"
        case .f16: return "f16"
        case .q4_0: return "q4_0"
        case .q4_1: return "q4_1"
        case .q5_0: return "q5_0"
        case .q5_1: return "q5_1"
        case .q8_0: return "q8_0"
        }
    }
}
