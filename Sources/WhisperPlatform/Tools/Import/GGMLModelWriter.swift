import WhisperCore

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
        let h = m.hyperparameters
        let d = h.nAudioState, td = h.nTextState
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
        add("encoder.positional_embedding", [h.nAudioCtx, d])
        add("encoder.conv1.weight", [d, h.nMels, 3])
        add("encoder.conv1.bias", [d], written: [d, 1])
        add("encoder.conv2.weight", [d, d, 3])
        add("encoder.conv2.bias", [d], written: [d, 1])
        for i in 0..<h.nAudioLayer {
            let p = "encoder.blocks.\(i)"
            attention(p + ".attn", d); norm(p + ".attn_ln", d)
            linear(p + ".mlp.0", d, 4 * d); linear(p + ".mlp.2", 4 * d, d); norm(p + ".mlp_ln", d)
        }
        norm("encoder.ln_post", d)
        add("decoder.positional_embedding", [h.nTextCtx, td])
        add("decoder.token_embedding.weight", [h.nVocab, td])
        for i in 0..<h.nTextLayer {
            let p = "decoder.blocks.\(i)"
            attention(p + ".attn", td); norm(p + ".attn_ln", td)
            attention(p + ".cross_attn", td); norm(p + ".cross_attn_ln", td)
            linear(p + ".mlp.0", td, 4 * td); linear(p + ".mlp.2", 4 * td, td); norm(p + ".mlp_ln", td)
        }
        norm("decoder.ln", td)
        return out
    }

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
        var file = GGMLFileBuilder()
        var h = m.hyperparameters
        switch type {
        case .f32: h.rawFileType = 0
        case .f16: h.rawFileType = 1
        default: h.rawFileType = ModelQuantizer.quantizationVersion * 1000 + (ModelQuantizer.fileType(of: type) ?? 1)
        }
        file.header(h, filters: MelFilterbank.slaney(melCount: h.nMels), vocabulary: m.vocabulary)
        try file.flush(into: &sink)

        let tensors = layout(m)
        for (index, (name, _, written)) in tensors.enumerated() {
            guard let tensor = m.tensors[name] else { continue }
            // The quantizer's rule: vectors, conv biases and positional embeddings stay single precision.
            let isWeight = written.count >= 2 && !ModelQuantizer.keptTensors.contains(name)
            let outputType: GGMLTensorType
            if type == .f32 || !isWeight {
                outputType = .f32
            } else if written.count == 2 && type.isQuantized {
                outputType = type
            } else {
                outputType = .f16
            }
            if outputType.isQuantized, written[1] % outputType.blockSize != 0 {
                throw ImportError(path: m.source, reason: "tensor '\(name)' has rows of \(written[1]) values, not whole \(outputType) blocks")
            }
            file.tensorHeader(name: name, type: outputType, dims: written.reversed())   // GGML: innermost first
            switch outputType {
            case .f32:
                file.floats(tensor.floats())
            case .f16:
                file.halfBits(tensor.halfBits())
            default:
                // As whisper.cpp's quantizer does from the f16 file: widen the half values, quantize.
                let values = tensor.halfBits().map(HalfPrecision.float(fromBits:))
                try values.withUnsafeBufferPointer { try file.quantized($0, as: outputType) }
            }
            try file.flush(into: &sink)
            progress?(index + 1, tensors.count)
        }
    }
}
