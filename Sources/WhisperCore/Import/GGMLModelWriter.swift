/// Writes an `ImportedModel` as a whisper.cpp GGML file, laid out as whisper.cpp's own converter
/// (`convert-pt-to-ggml.py`) lays out OpenAI's checkpoints: the header, the mel filterbank (Slaney
/// filters computed here, as OpenAI's `mel_filters.npz` was made), the vocabulary, then the tensors
/// in OpenAI's order. With `f16`, 2-D and 3-D weights are half precision and vectors, conv biases
/// and positional embeddings single; with `f32` everything is single; with a quantized type the
/// f16 file is quantized as `ModelQuantizer` (and whisper.cpp's quantizer) would quantize it.
public enum GGMLModelWriter {
    /// Tensor names in OpenAI's order, with their shapes (outermost first) and the GGML shape they
    /// are written with (conv biases gain a trailing 1, as whisper.cpp's converter writes them).
    static func layout(_ m: ImportedModel) -> [(name: String, shape: [Int], written: [Int])] {
        let d = m.nAudioState, td = m.nTextState
        var out: [(String, [Int], [Int])] = []
        func add(_ name: String, _ shape: [Int], written: [Int]? = nil) { out.append((name, shape, written ?? shape)) }
        func linear(_ p: String, _ inputs: Int, _ outputs: Int, bias: Bool = true) {
            add(p + ".weight", [outputs, inputs])
            if bias { add(p + ".bias", [outputs]) }
        }
        func norm(_ p: String, _ width: Int) { add(p + ".weight", [width]); add(p + ".bias", [width]) }
        func attention(_ p: String, _ width: Int) {
            linear(p + ".query", width, width); linear(p + ".key", width, width, bias: false)
            linear(p + ".value", width, width); linear(p + ".out", width, width)
        }
        add("encoder.positional_embedding", [m.nAudioCtx, d])
        add("encoder.conv1.weight", [d, m.nMels, 3])
        add("encoder.conv1.bias", [d], written: [d, 1])
        add("encoder.conv2.weight", [d, d, 3])
        add("encoder.conv2.bias", [d], written: [d, 1])
        for i in 0..<m.nAudioLayer {
            let p = "encoder.blocks.\(i)"
            attention(p + ".attn", d); norm(p + ".attn_ln", d)
            linear(p + ".mlp.0", d, 4 * d); linear(p + ".mlp.2", 4 * d, d); norm(p + ".mlp_ln", d)
        }
        norm("encoder.ln_post", d)
        add("decoder.positional_embedding", [m.nTextCtx, td])
        add("decoder.token_embedding.weight", [m.nVocab, td])
        for i in 0..<m.nTextLayer {
            let p = "decoder.blocks.\(i)"
            attention(p + ".attn", td); norm(p + ".attn_ln", td)
            attention(p + ".cross_attn", td); norm(p + ".cross_attn_ln", td)
            linear(p + ".mlp.0", td, 4 * td); linear(p + ".mlp.2", 4 * td, td); norm(p + ".mlp_ln", td)
        }
        norm("decoder.ln", td)
        return out
    }

    static let keptInFloat: Set<String> = [
        "encoder.conv1.bias", "encoder.conv2.bias", "encoder.positional_embedding", "decoder.positional_embedding",
    ]

    /// Checks that every tensor the architecture needs is there with its shape; throws naming the first that is not.
    public static func validate(_ m: ImportedModel) throws(ImportError) {
        for (name, shape, _) in layout(m) {
            guard let t = m.tensors[name] else {
                throw ImportError(path: m.source, reason: "tensor '\(name)' is missing (\(m.format) checkpoint)")
            }
            guard t.shape.reduce(1, *) == shape.reduce(1, *), t.shape.filter({ $0 != 1 }) == shape.filter({ $0 != 1 }) else {
                throw ImportError(path: m.source, reason: "tensor '\(name)' has shape \(t.shape), expected \(shape)")
            }
        }
    }

    /// Writes the model into `sink` as `type` (f32, f16 or a quantized type).
    package static func write(_ m: ImportedModel, as type: GGMLTensorType, into sink: inout FileSink,
                             progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws {
        try validate(m)
        var buffer: [UInt8] = []
        func int32(_ v: Int) { withUnsafeBytes(of: Int32(truncatingIfNeeded: v).littleEndian) { buffer += $0 } }
        func flush() throws {
            try sink.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        let fileType: Int
        switch type {
        case .f32: fileType = 0
        case .f16: fileType = 1
        default: fileType = ModelQuantizer.quantizationVersion * 1000 + (ModelQuantizer.fileType(of: type) ?? 1)
        }
        for v in [Int(GGMLModelFile.magic), m.nVocab, m.nAudioCtx, m.nAudioState, m.nAudioHead, m.nAudioLayer,
                  m.nTextCtx, m.nTextState, m.nTextHead, m.nTextLayer, m.nMels, fileType] { int32(v) }
        let filters = MelFilterbank.slaney(melCount: m.nMels)
        int32(m.nMels)
        int32(MelFilterbank.binCount)
        for w in filters.weights { withUnsafeBytes(of: w.bitPattern.littleEndian) { buffer += $0 } }
        int32(m.vocabulary.count)
        for token in m.vocabulary {
            int32(token.count)
            buffer += token
        }
        try flush()

        let tensors = layout(m)
        for (index, (name, _, written)) in tensors.enumerated() {
            guard let tensor = m.tensors[name] else { continue }
            let isWeight = written.count >= 2 && !keptInFloat.contains(name)
            let outputType: GGMLTensorType
            if type == .f32 || !isWeight {
                outputType = .f32
            } else if written.count == 2 && type.isQuantized {
                outputType = type
            } else {
                outputType = .f16
            }
            int32(written.count)
            int32(name.utf8.count)
            int32(Int(outputType.rawValue))
            for dim in written.reversed() { int32(dim) }   // GGML lists the innermost dimension first
            buffer += Array(name.utf8)
            switch outputType {
            case .f32:
                for x in tensor.floats() { withUnsafeBytes(of: x.bitPattern.littleEndian) { buffer += $0 } }
            case .f16:
                for h in tensor.halfBits() { withUnsafeBytes(of: h.littleEndian) { buffer += $0 } }
            default:
                // As whisper.cpp's quantizer does from the f16 file: widen the half values, quantize.
                let values = tensor.halfBits().map { Float(Float16(bitPattern: $0)) }
                guard written[1] % outputType.blockSize == 0, let bytes = outputType.byteCount(elements: values.count) else {
                    throw ImportError(path: m.source, reason: "tensor '\(name)' has rows of \(written[1]) values, not whole \(outputType) blocks")
                }
                let start = buffer.count
                buffer += [UInt8](repeating: 0, count: bytes)
                try values.withUnsafeBufferPointer { f in
                    try buffer.withUnsafeMutableBytes { b in
                        try Quantization.quantize(f.baseAddress!, count: values.count, as: outputType, into: b.baseAddress! + start)
                    }
                }
            }
            try flush()
            progress?(index + 1, tensors.count)
        }
    }
}
