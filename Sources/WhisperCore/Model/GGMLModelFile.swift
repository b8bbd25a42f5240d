/// The mel filterbank stored in a model file: `nMels` rows of `nFFTBins` weights, row-major.
public struct MelFilterbank: Sendable, Equatable {
    public let nMels: Int
    public let nFFTBins: Int
    public let weights: [Float]
}

/// Where one tensor lives in the file.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let type: GGMLTensorType
    /// GGML's `ne`: the innermost (contiguous) dimension first.
    public let dims: [Int]
    /// Byte offset of the data in the file.
    public let offset: Int
    public let byteCount: Int

    public var elementCount: Int { dims.reduce(1, *) }
}

/// A whisper.cpp GGML model file, parsed and validated but not yet turned into a network.
///
/// Layout (all little-endian): magic `ggml`, eleven int32 hyperparameters and `ftype`; the mel
/// filterbank (int32 n_mel, int32 n_fft, floats); the vocabulary (int32 count, then int32 length +
/// bytes per token); then tensors to the end of the file, each with int32 n_dims, name length and
/// type, n_dims int32 sizes, the name, and the data. Tensor data is used in place from the
/// memory-mapped file.
public final class GGMLModelFile: @unchecked Sendable {
    public static let magic: UInt32 = 0x6767_6d6c

    public let path: String
    public let hyperparameters: ModelHyperparameters
    public let melFilters: MelFilterbank
    /// The token byte strings stored in the file, by id (the special tokens past them are implied).
    public let vocabulary: [[UInt8]]
    /// Tensors by name.
    public let tensors: [String: TensorInfo]
    /// Tensor names in file order.
    public let tensorOrder: [String]
    /// The file's bytes (memory-mapped where the host allows it).
    public let file: any ModelBytes
    /// f16 matrices of `file` rearranged into panels over their own bytes, by the address of their
    /// first byte, with the partial panels' own buffers (see `halfPanelsInPlace`).
    private var panelsInPlace: [Int: HalfPanels] = [:]
    private var panelTails: [UnsafeMutableRawPointer] = []

    deinit {
        for tail in panelTails { MemoryBudget.deallocate(tail) }
    }

    public init(file: any ModelBytes) throws(ModelLoadError) {
        let path = file.path
        self.path = path
        self.file = file
        var reader = ByteReader(bytes: file.bytes, path: path)

        // Header.
        if file.bytes.count < 4 {
            throw ModelLoadError(path: path, reason: .truncated(whileReading: "the magic number", offset: 0))
        }
        let magic = try reader.uint32("the magic number")
        guard magic == Self.magic else {
            throw ModelLoadError(path: path, reason: .notAModelFile(magic: magic))
        }
        var header: [Int] = []
        for name in ["n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
                     "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype"] {
            header.append(Int(try reader.int32("hyperparameter \(name)")))
        }
        let h = ModelHyperparameters(
            nVocab: header[0], nAudioCtx: header[1], nAudioState: header[2], nAudioHead: header[3],
            nAudioLayer: header[4], nTextCtx: header[5], nTextState: header[6], nTextHead: header[7],
            nTextLayer: header[8], nMels: header[9], rawFileType: header[10])
        try h.validate(path: path)
        hyperparameters = h

        // Mel filterbank: n_mels rows of n_fft/2 + 1 = 201 bins.
        let nMel = Int(try reader.int32("the mel filterbank size"))
        let nBins = Int(try reader.int32("the mel filterbank size"))
        if nMel != h.nMels, nMel > 0, nBins == 201 {
            throw ModelLoadError(path: path, reason: .melCountMismatch(header: h.nMels, filterbank: nMel, bins: nBins))
        }
        guard nMel == h.nMels, nBins == 201 else {
            throw ModelLoadError(path: path, reason: .invalidMelFilterbank(mels: nMel, bins: nBins))
        }
        let filterBytes = try reader.slice(nMel * nBins * 4, "the mel filterbank")
        melFilters = MelFilterbank(nMels: nMel, nFFTBins: nBins, weights: (0..<nMel * nBins).map {
            Float(bitPattern: UInt32(littleEndian: filterBytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
        })

        // Vocabulary.
        let nTokens = Int(try reader.int32("the vocabulary size"))
        guard (0...h.nVocab).contains(nTokens) else {
            throw ModelLoadError(path: path, reason: .invalidVocabulary("\(nTokens) tokens for n_vocab \(h.nVocab)"))
        }
        var vocabulary: [[UInt8]] = []
        vocabulary.reserveCapacity(nTokens)
        for id in 0..<nTokens {
            let length = Int(try reader.int32("the length of token \(id)"))
            guard (0...1024).contains(length) else {
                throw ModelLoadError(path: path, reason: .invalidVocabulary("token \(id) has length \(length)"))
            }
            vocabulary.append(Array(try reader.slice(length, "token \(id)")))
        }
        self.vocabulary = vocabulary

        // Tensors, to the end of the file.
        var tensors: [String: TensorInfo] = [:]
        var order: [String] = []
        while !reader.isAtEnd {
            let headerOffset = reader.offset
            let nDims = Int(try reader.int32("a tensor header"))
            let nameLength = Int(try reader.int32("a tensor header"))
            let rawType = try reader.int32("a tensor header")
            guard (1...4).contains(nDims) else {
                throw ModelLoadError(path: path, reason: .invalidTensorHeader("\(nDims) dimensions", offset: headerOffset))
            }
            guard (1...256).contains(nameLength) else {
                throw ModelLoadError(path: path, reason: .invalidTensorHeader("name length \(nameLength)", offset: headerOffset))
            }
            var dims: [Int] = []
            var count = 1
            for _ in 0..<nDims {
                let d = Int(try reader.int32("tensor dimensions"))
                guard d >= 1, d <= 1 << 30 else {
                    throw ModelLoadError(path: path, reason: .invalidTensorHeader("dimension \(d)", offset: headerOffset))
                }
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= Int(clamping: Int64(1) << 40) else {
                    throw ModelLoadError(path: path, reason: .invalidTensorHeader("too many elements", offset: headerOffset))
                }
                dims.append(d)
                count = product
            }
            let nameBytes = try reader.slice(nameLength, "a tensor name")
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard let type = GGMLTensorType(rawValue: rawType) else {
                throw ModelLoadError(path: path, reason: .unknownTensorType(tensor: name, type: rawType))
            }
            guard dims[0] % type.blockSize == 0, let byteCount = type.byteCount(elements: count) else {
                throw ModelLoadError(path: path, reason: .unsupportedTensorType(tensor: name, type: type))
            }
            let dataOffset = reader.offset
            guard byteCount <= reader.remaining else {
                throw ModelLoadError(path: path, reason: .tensorOutOfBounds(
                    tensor: name, offset: dataOffset, bytes: byteCount, fileSize: file.bytes.count))
            }
            _ = try reader.slice(byteCount, "tensor \(name)")
            guard tensors[name] == nil else {
                throw ModelLoadError(path: path, reason: .duplicateTensor(name))
            }
            tensors[name] = TensorInfo(name: name, type: type, dims: dims, offset: dataOffset, byteCount: byteCount)
            order.append(name)
        }
        self.tensors = tensors
        self.tensorOrder = order
    }

    /// A pointer to a tensor's data inside the file.
    public func data(of tensor: TensorInfo) -> UnsafeRawPointer {
        // Non-nil: a tensor has at least one block, so the file is not empty.
        file.bytes.baseAddress! + tensor.offset
    }
}

extension GGMLModelFile {
    /// The f16 matrix `weight` of this file laid out as `HalfPanels` over its own bytes — for files
    /// read into a buffer of the engine's own (`HeapBytes`; a mapped file has `StreamedMatrices`
    /// copy the panels out instead, and other `ModelBytes` may not be ours to rewrite): the
    /// decoder's few-row products need that layout, and a second copy of the weights would not fit
    /// where memory is tight (a WebAssembly module). Done once per matrix, whichever model loads the
    /// file; afterwards `data(of:)` gives the matrix's values in the panels' order. Nil for other
    /// bytes, or when memory for one panel cannot be had.
    package func halfPanelsInPlace(_ weight: WeightMatrix) -> HalfPanels? {
        guard file is HeapBytes, weight.type == .f16, let start = file.bytes.baseAddress,
              weight.base >= start, weight.base + weight.rows * weight.rowBytes <= start + file.bytes.count
        else { return nil }
        return Host.withSharedLock {
            let key = Int(bitPattern: weight.base)
            if let made = panelsInPlace[key] { return made }
            guard let made = HalfPanels.rearrangingInPlace(weight) else { return nil }
            panelsInPlace[key] = made.panels
            if let tail = made.tail { panelTails.append(tail) }
            return made.panels
        }
    }

    /// Whether a tensor holds a NaN or an infinity: any value of an f32/f16 tensor, or the f16
    /// scale (and minimum) of any block of a quantized one (its integer codes are always finite).
    func holdsNonFinite(_ tensor: TensorInfo) -> Bool {
        let data = data(of: tensor)
        func half(_ offset: Int) -> Bool {
            UInt16(littleEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) & 0x7C00 == 0x7C00
        }
        switch tensor.type {
        case .f32:
            return (0..<tensor.elementCount).contains {
                UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) & 0x7F80_0000 == 0x7F80_0000
            }
        case .f16:
            return (0..<tensor.elementCount).contains { half(2 * $0) }
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0:
            let blocks = tensor.elementCount / tensor.type.blockSize
            let hasMinimum = tensor.type == .q4_1 || tensor.type == .q5_1
            return (0..<blocks).contains { b in
                let at = b * tensor.type.bytesPerBlock
                return half(at) || (hasMinimum && half(at + 2))
            }
        }
    }
}
