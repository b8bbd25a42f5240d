/// Where one tensor of a VAD model file lives.
public struct VADTensorInfo: Sendable, Equatable {
    public let name: String
    public let type: GGMLTensorType
    /// GGML's `ne` as written in the file, innermost dimension first (empty for a scalar).
    public let dims: [Int]
    /// Byte offset of the data in the file.
    public let offset: Int

    public var elementCount: Int { dims.reduce(1, *) }
}

/// The weights of one encoder convolution, as `outputChannels` rows of `inputChannels × kernelSize`
/// values (channel-major, then kernel tap) — the order GGML stores them in.
public struct VADConvolutionWeights: Sendable {
    public let shape: VADConvolutionShape
    public let weights: [Float]
    public let bias: [Float]
}

/// A Silero voice-activity-detection model in whisper.cpp's VAD GGML format, loaded and validated.
///
/// Layout (all little-endian int32 unless noted), as written by whisper.cpp's
/// `models/convert-silero-vad-to-ggml.py`: magic `ggml`; the model type (length + bytes,
/// "silero-16k"); version major, minor, patch; window size (512) and context size (64); the number
/// of encoder layers (4) and, for each, input channels, output channels and kernel size; LSTM input
/// and hidden sizes; final convolution input and output channels. Then tensors to the end of the
/// file, each with n_dims (0 for a scalar), name length, type (0 f32, 1 f16), the dimensions, the
/// name and the data:
///
/// | tensor | GGML shape | |
/// |---|---|---|
/// | `_model.encoder.{i}.reparam_conv.weight` / `.bias` | [3, in, out] / [out] | f16 / f32 |
/// | `_model.decoder.rnn.weight_ih`, `weight_hh` | [128, 512] | f32 |
/// | `_model.decoder.rnn.bias_ih`, `bias_hh` | [512] | f32 |
/// | `_model.decoder.decoder.2.weight` / `.bias` | [128] / [] | f16 / f32 |
/// | `_model.stft.forward_basis_buffer` | [256, 1, 258] | f16 |
///
/// The weights are small (about 300 k values): they are converted to `Float` once, here.
public final class SileroVADModel: Sendable {
    public static let magic: UInt32 = 0x6767_6d6c
    public static let supportedModelType = "silero-16k"
    /// The sample rate the model was trained for.
    public static let sampleRate = WhisperAudio.sampleRate

    public let path: String
    /// "silero-16k".
    public let modelType: String
    /// The Silero release the weights come from, e.g. "6.2.0".
    public let version: String
    public let hyperparameters: VADHyperparameters
    /// Every tensor, in file order.
    public let tensors: [VADTensorInfo]

    /// The short-time Fourier transform as a convolution: `basisRows` rows of `fftSize` taps (the
    /// windowed cosines of every bin, then the windowed sines).
    public let fourierBasis: [Float]
    public let encoder: [VADConvolutionWeights]
    /// LSTM input-to-hidden weights: `gateCount` rows of `lstmInputSize`; gates in the order
    /// input, forget, cell, output.
    public let lstmInputWeights: [Float]
    /// LSTM hidden-to-hidden weights: `gateCount` rows of `lstmHiddenSize`.
    public let lstmHiddenWeights: [Float]
    public let lstmInputBias: [Float]
    public let lstmHiddenBias: [Float]
    /// The final 1×1 convolution from the hidden state to one logit.
    public let outputWeights: [Float]
    public let outputBias: Float

    /// The names of the tensors a Silero VAD file must hold.
    public static func tensorNames(encoderLayers: Int) -> [String] {
        (0..<encoderLayers).flatMap { ["_model.encoder.\($0).reparam_conv.weight", "_model.encoder.\($0).reparam_conv.bias"] }
            + ["_model.decoder.rnn.weight_ih", "_model.decoder.rnn.weight_hh",
               "_model.decoder.rnn.bias_ih", "_model.decoder.rnn.bias_hh",
               "_model.decoder.decoder.2.weight", "_model.decoder.decoder.2.bias",
               "_model.stft.forward_basis_buffer"]
    }

    /// The GGML shape every tensor must have for these hyperparameters.
    public static func expectedShapes(_ h: VADHyperparameters) -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for (i, layer) in h.encoderLayers.enumerated() {
            shapes["_model.encoder.\(i).reparam_conv.weight"] = [layer.kernelSize, layer.inputChannels, layer.outputChannels]
            shapes["_model.encoder.\(i).reparam_conv.bias"] = [layer.outputChannels]
        }
        shapes["_model.decoder.rnn.weight_ih"] = [h.lstmInputSize, h.gateCount]
        shapes["_model.decoder.rnn.weight_hh"] = [h.lstmHiddenSize, h.gateCount]
        shapes["_model.decoder.rnn.bias_ih"] = [h.gateCount]
        shapes["_model.decoder.rnn.bias_hh"] = [h.gateCount]
        shapes["_model.decoder.decoder.2.weight"] = [h.finalConvInput, h.finalConvOutput]
        shapes["_model.decoder.decoder.2.bias"] = [h.finalConvOutput]
        shapes["_model.stft.forward_basis_buffer"] = [h.fftSize, 1, h.basisRows]
        return shapes
    }

    /// Loads the file at `path` through the installed host (`Host`).
    public convenience init(loading path: String) throws(VADModelError) {
        guard let host = Host.system else {
            throw VADModelError(path: path, reason: .cannotOpen("no file system: no host is installed"))
        }
        let file: any ModelBytes
        do {
            file = try host.mapFile(path)
        } catch {
            throw VADModelError(path: path, reason: .cannotOpen(error.reason))
        }
        try self.init(file: file)
    }

    public init(file: any ModelBytes) throws(VADModelError) {
        let path = file.path
        self.path = path
        var reader = ByteReader(bytes: file.bytes, path: path)
        // ByteReader reports running off the end as a ModelLoadError; say it as a VAD model error.
        func read<T>(_ body: (inout ByteReader) throws(ModelLoadError) -> T) throws(VADModelError) -> T {
            do {
                return try body(&reader)
            } catch {
                if case .truncated(let what, let offset) = error.reason {
                    throw VADModelError(path: path, reason: .truncated(whileReading: what, offset: offset))
                }
                throw VADModelError(path: path, reason: .cannotOpen(error.description))
            }
        }
        func int(_ what: String) throws(VADModelError) -> Int { Int(try read { (r: inout ByteReader) throws(ModelLoadError) in try r.int32(what) }) }
        func invalid(_ name: String, _ value: Int) -> VADModelError {
            VADModelError(path: path, reason: .invalidHyperparameter(name: name, value: value))
        }

        // Header.
        let magic = try read { (r: inout ByteReader) throws(ModelLoadError) in try r.uint32("the magic number") }
        guard magic == Self.magic else {
            throw VADModelError(path: path, reason: .notAModelFile(magic: magic))
        }
        let typeLength = try int("the model type")
        guard (1...64).contains(typeLength) else { throw invalid("model type length", typeLength) }
        modelType = String(decoding: try read { (r: inout ByteReader) throws(ModelLoadError) in try r.slice(typeLength, "the model type") }, as: UTF8.self)
        guard modelType == Self.supportedModelType else {
            throw VADModelError(path: path, reason: .unsupportedModelType(modelType))
        }
        var versionParts: [Int] = []
        for part in ["major", "minor", "patch"] {
            let value = try int("the model version")
            guard (0...100_000).contains(value) else { throw invalid("version \(part)", value) }
            versionParts.append(value)
        }
        version = versionParts.map(String.init).joined(separator: ".")
        let windowSize = try int("the window size")
        let contextSize = try int("the context size")
        let layerCount = try int("the number of encoder layers")
        // Checked before the loop below allocates anything by it.
        guard layerCount == VADHyperparameters.encoderStrides.count else {
            throw invalid("n_encoder_layers", layerCount)
        }
        var layers: [VADConvolutionShape] = []
        for i in 0..<layerCount {
            let inputs = try int("encoder layer \(i)")
            let outputs = try int("encoder layer \(i)")
            let kernel = try int("encoder layer \(i)")
            layers.append(VADConvolutionShape(inputChannels: inputs, outputChannels: outputs, kernelSize: kernel))
        }
        let h = VADHyperparameters(
            windowSize: windowSize, contextSize: contextSize, encoderLayers: layers,
            lstmInputSize: try int("the LSTM input size"), lstmHiddenSize: try int("the LSTM hidden size"),
            finalConvInput: try int("the final convolution size"), finalConvOutput: try int("the final convolution size"))
        try h.validate(path: path)
        hyperparameters = h

        // Tensors, to the end of the file.
        let expected = Self.expectedShapes(h)
        var infos: [VADTensorInfo] = []
        var values: [String: [Float]] = [:]
        while !reader.isAtEnd {
            let headerOffset = reader.offset
            let nDims = try int("a tensor header")
            let nameLength = try int("a tensor header")
            let rawType = try read { (r: inout ByteReader) throws(ModelLoadError) in try r.int32("a tensor header") }
            guard (0...4).contains(nDims) else {
                throw VADModelError(path: path, reason: .invalidTensorHeader("\(nDims) dimensions", offset: headerOffset))
            }
            guard (1...256).contains(nameLength) else {
                throw VADModelError(path: path, reason: .invalidTensorHeader("name length \(nameLength)", offset: headerOffset))
            }
            var dims: [Int] = []
            for _ in 0..<nDims {
                let d = try int("tensor dimensions")
                guard (1...(1 << 24)).contains(d) else {
                    throw VADModelError(path: path, reason: .invalidTensorHeader("dimension \(d)", offset: headerOffset))
                }
                dims.append(d)
            }
            let name = String(decoding: try read { (r: inout ByteReader) throws(ModelLoadError) in try r.slice(nameLength, "a tensor name") }, as: UTF8.self)
            guard let type = GGMLTensorType(rawValue: rawType) else {
                throw VADModelError(path: path, reason: .unknownTensorType(tensor: name, type: rawType))
            }
            guard type == .f32 || type == .f16 else {
                throw VADModelError(path: path, reason: .unsupportedTensorType(tensor: name, type: type))
            }
            guard let shape = expected[name] else {
                throw VADModelError(path: path, reason: .unexpectedTensor(name))
            }
            guard values[name] == nil else {
                throw VADModelError(path: path, reason: .duplicateTensor(name))
            }
            // Trailing dimensions of 1 are implied (the converter squeezes them away).
            func padded(_ d: [Int]) -> [Int] { d + Array(repeating: 1, count: max(0, 4 - d.count)) }
            guard padded(dims) == padded(shape) else {
                throw VADModelError(path: path, reason: .wrongShape(tensor: name, expected: shape, found: dims))
            }
            // The shape matches a validated architecture, so this product is small.
            let count = dims.reduce(1, *)
            let byteCount = count * type.bytesPerBlock
            let dataOffset = reader.offset
            guard byteCount <= reader.remaining else {
                throw VADModelError(path: path, reason: .tensorOutOfBounds(
                    tensor: name, offset: dataOffset, bytes: byteCount, fileSize: file.bytes.count))
            }
            let data = try read { (r: inout ByteReader) throws(ModelLoadError) in try r.slice(byteCount, "tensor \(name)") }
            let floats: [Float] = (0..<count).map { i in
                switch type {
                case .f16:
                    return HalfPrecision.float(fromBits: UInt16(littleEndian: data.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                default:
                    return Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            }
            guard floats.allSatisfy({ $0.isFinite }) else {
                throw VADModelError(path: path, reason: .invalidWeights(tensor: name))
            }
            values[name] = floats
            infos.append(VADTensorInfo(name: name, type: type, dims: dims, offset: dataOffset))
        }
        for name in Self.tensorNames(encoderLayers: layers.count) where values[name] == nil {
            throw VADModelError(path: path, reason: .missingTensor(name))
        }
        tensors = infos

        // All present and of the right shapes: the lookups below cannot fail.
        func tensor(_ name: String) -> [Float] { values[name] ?? [] }
        fourierBasis = tensor("_model.stft.forward_basis_buffer")
        encoder = layers.enumerated().map { i, shape in
            VADConvolutionWeights(shape: shape, weights: tensor("_model.encoder.\(i).reparam_conv.weight"),
                                  bias: tensor("_model.encoder.\(i).reparam_conv.bias"))
        }
        lstmInputWeights = tensor("_model.decoder.rnn.weight_ih")
        lstmHiddenWeights = tensor("_model.decoder.rnn.weight_hh")
        lstmInputBias = tensor("_model.decoder.rnn.bias_ih")
        lstmHiddenBias = tensor("_model.decoder.rnn.bias_hh")
        outputWeights = tensor("_model.decoder.decoder.2.weight")
        outputBias = tensor("_model.decoder.decoder.2.bias").first ?? 0
    }

    /// Seconds of audio per speech probability (0.032).
    public var frameDuration: Double { Double(hyperparameters.windowSize) / Double(Self.sampleRate) }
}
