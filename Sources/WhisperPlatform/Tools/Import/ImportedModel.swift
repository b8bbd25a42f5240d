import WhisperCore

/// A Whisper model read from another format (a CTranslate2 directory, a Hugging Face checkpoint)
/// on its way to a whisper.cpp GGML file: its shape, its vocabulary as raw token bytes, and its
/// tensors under OpenAI's names (`encoder.blocks.0.attn.query.weight`, ...), each still in the
/// source's element type and layout (outermost dimension first, as PyTorch lists shapes).
public struct ImportedModel {
    /// Where it came from (a directory), for messages.
    public let source: String
    /// What kind of checkpoint it was ("CTranslate2", "Hugging Face transformers").
    public let format: String
    /// Its shape (`rawFileType` is the writer's to choose: it says 1, f16, until then).
    public var hyperparameters: ModelHyperparameters
    /// The BPE tokens in id order as bytes, up to and including `<|endoftext|>` for English-only
    /// models (the layout whisper.cpp's files have); special tokens after it are implied by n_vocab.
    public var vocabulary: [[UInt8]]
    /// Tensors by OpenAI name.
    public var tensors: [String: ImportedTensor]
    /// Element types seen in the source, for `model-info` ("float16", "int8", ...).
    public var sourceTypes: Set<String>
}

/// Why a checkpoint could not be imported. Every case names the file (and the tensor) concerned.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// One tensor of an imported model: a view of the source's bytes (kept alive by `owner`).
public struct ImportedTensor {
    public enum Element: String, Sendable {
        case float32, float16, bfloat16, int8, int16, int32

        public var byteWidth: Int {
            switch self {
            case .float32, .int32: return 4
            case .float16, .bfloat16, .int16: return 2
            case .int8: return 1
            }
        }
    }

    /// Outermost dimension first.
    public let shape: [Int]
    public let element: Element
    public let bytes: UnsafeRawBufferPointer
    /// Integer weights: the scale they were multiplied by (one per row, or one for all).
    public let scale: [Float]?
    let owner: AnyObject

    public var count: Int { shape.reduce(1, *) }

    init(shape: [Int], element: Element, bytes: UnsafeRawBufferPointer, scale: [Float]? = nil, owner: AnyObject) {
        self.shape = shape
        self.element = element
        self.bytes = bytes
        self.scale = scale
        self.owner = owner
    }

    /// Rows `range` of the outermost dimension (for splitting fused projections).
    func rows(_ range: Range<Int>) -> ImportedTensor {
        let rowCount = count / max(1, shape[0])
        let rowBytes = rowCount * element.byteWidth
        let slice = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound * rowBytes)..<(range.upperBound * rowBytes)])
        let rowScale = scale.map { $0.count == shape[0] ? Array($0[range]) : $0 }
        return ImportedTensor(shape: [range.count] + shape.dropFirst(), element: element, bytes: slice, scale: rowScale, owner: owner)
    }

    /// Value `i` (row-major) as a Float: exact for f32, f16 and bf16; integers divided by their scale.
    func float(_ i: Int) -> Float {
        switch element {
        case .float32:
            return Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .float16:
            return HalfPrecision.float(fromBits: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        case .bfloat16:
            return Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
        case .int8, .int16, .int32:
            let q: Float
            switch element {
            case .int8: q = Float(bytes.load(fromByteOffset: i, as: Int8.self))
            case .int16: q = Float(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
            default: q = Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
            }
            guard let scale, !scale.isEmpty else { return q }
            let row = scale.count == 1 ? 0 : i / max(1, count / scale.count)
            return q / scale[min(row, scale.count - 1)]
        }
    }

    /// The values as IEEE half-precision bits: f16 bytes as they are, others rounded to nearest even.
    func halfBits() -> [UInt16] {
        if element == .float16 {
            return (0..<count).map { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
        }
        return (0..<count).map { HalfPrecision.bits(from: float($0)) }
    }

    /// The values as Float (f16 and bf16 widened exactly).
    func floats() -> [Float] { (0..<count).map(float) }
}
