import Foundation
@testable import WhisperCore
@testable import WhisperPlatform

/// Writes a GGML model's weights as the checkpoints other tools write — a Hugging Face
/// `transformers` folder (safetensors) or a CTranslate2 folder (faster-whisper) — so that the
/// importers can be tested on every layout without PyTorch: converting back must give the tensors
/// that went in.
struct CheckpointWriter {
    let model: GGMLModelFile

    /// A tensor of the GGML file as (shape outermost first, values).
    func tensor(_ name: String) -> (shape: [Int], values: [Float]) {
        let info = model.tensors[name]!
        let data = model.data(of: info)
        var shape = Array(info.dims.reversed())
        if name.hasSuffix("conv1.bias") || name.hasSuffix("conv2.bias") { shape = shape.filter { $0 != 1 } }
        let values: [Float] = (0..<info.elementCount).map { i in
            info.type == .f16
                ? Float(Float16(bitPattern: UInt16(littleEndian: data.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                : Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        }
        return (shape, values)
    }

    var h: ModelHyperparameters { model.hyperparameters }

    /// The vocabulary as GPT-2 text, ids in order, then the special tokens up to n_vocab.
    func tokenTexts() -> [String] {
        var texts = model.vocabulary.map { token -> String in
            let text = String(decoding: token, as: UTF8.self)
            return text.hasPrefix("<|") && text.hasSuffix("|>") ? text : GPT2ByteText.text(of: token)
        }
        if !texts.contains("<|endoftext|>") { texts.append("<|endoftext|>") }
        while texts.count < h.nVocab { texts.append("<|special_\(texts.count)|>") }
        return texts
    }

    static func jsonString(_ s: String) -> String { JSONValue.string(s).rendered().trimmingCharacters(in: .whitespacesAndNewlines) }

    // MARK: - Hugging Face

    enum Element: String { case f32 = "F32", f16 = "F16", bf16 = "BF16" }

    static func encode(_ values: [Float], as element: Element) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 4)
        for v in values {
            switch element {
            case .f32: withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 }
            case .f16: withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { out += $0 }
            case .bf16:
                // Round to nearest even on the dropped 16 bits.
                let bits = v.bitPattern
                let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
                withUnsafeBytes(of: UInt16(rounded).littleEndian) { out += $0 }
            }
        }
        return out
    }

    /// HF names of the GGML tensors.
    func huggingFaceNames() -> [(ggml: String, hf: String)] {
        var out: [(String, String)] = [("encoder.positional_embedding", "model.encoder.embed_positions.weight"),
                                       ("encoder.conv1.weight", "model.encoder.conv1.weight"), ("encoder.conv1.bias", "model.encoder.conv1.bias"),
                                       ("encoder.conv2.weight", "model.encoder.conv2.weight"), ("encoder.conv2.bias", "model.encoder.conv2.bias"),
                                       ("encoder.ln_post.weight", "model.encoder.layer_norm.weight"), ("encoder.ln_post.bias", "model.encoder.layer_norm.bias"),
                                       ("decoder.positional_embedding", "model.decoder.embed_positions.weight"),
                                       ("decoder.token_embedding.weight", "model.decoder.embed_tokens.weight"),
                                       ("decoder.ln.weight", "model.decoder.layer_norm.weight"), ("decoder.ln.bias", "model.decoder.layer_norm.bias")]
        func attention(_ g: String, _ s: String) {
            for (a, b) in [("query", "q_proj"), ("value", "v_proj"), ("out", "out_proj")] {
                out.append(("\(g).\(a).weight", "\(s).\(b).weight")); out.append(("\(g).\(a).bias", "\(s).\(b).bias"))
            }
            out.append(("\(g).key.weight", "\(s).k_proj.weight"))
        }
        func rest(_ g: String, _ s: String, cross: Bool) {
            attention(g + ".attn", s + ".self_attn")
            for x in ["weight", "bias"] {
                out.append(("\(g).attn_ln.\(x)", "\(s).self_attn_layer_norm.\(x)"))
                out.append(("\(g).mlp.0.\(x)", "\(s).fc1.\(x)")); out.append(("\(g).mlp.2.\(x)", "\(s).fc2.\(x)"))
                out.append(("\(g).mlp_ln.\(x)", "\(s).final_layer_norm.\(x)"))
                if cross { out.append(("\(g).cross_attn_ln.\(x)", "\(s).encoder_attn_layer_norm.\(x)")) }
            }
            if cross { attention(g + ".cross_attn", s + ".encoder_attn") }
        }
        for i in 0..<h.nAudioLayer { rest("encoder.blocks.\(i)", "model.encoder.layers.\(i)", cross: false) }
        for i in 0..<h.nTextLayer { rest("decoder.blocks.\(i)", "model.decoder.layers.\(i)", cross: true) }
        return out
    }

    /// The bytes of a safetensors file holding `tensors`.
    static func safetensors(_ tensors: [(name: String, shape: [Int], data: [UInt8], dtype: String)]) -> [UInt8] {
        var header = "{\"__metadata__\":{\"format\":\"pt\"}"
        var offset = 0
        for t in tensors {
            header += ",\(jsonString(t.name)):{\"dtype\":\"\(t.dtype)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],"
                + "\"data_offsets\":[\(offset),\(offset + t.data.count)]}"
            offset += t.data.count
        }
        header += "}"
        while (header.utf8.count + 8) % 8 != 0 { header += " " }
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { out += $0 }
        out += Array(header.utf8)
        for t in tensors { out += t.data }
        return out
    }

    /// Writes a Hugging Face checkpoint into `directory`: `shards` safetensors files (an index when
    /// more than one), the vocabulary as vocab.json + added_tokens.json or as tokenizer.json.
    func writeHuggingFace(to directory: String, element: Element, shards: Int = 1, tokenizerJSON: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = """
            {"model_type": "whisper", "architectures": ["WhisperForConditionalGeneration"], "vocab_size": \(h.nVocab),
             "num_mel_bins": \(h.nMels), "d_model": \(h.nAudioState), "encoder_layers": \(h.nAudioLayer),
             "encoder_attention_heads": \(h.nAudioHead), "decoder_layers": \(h.nTextLayer),
             "decoder_attention_heads": \(h.nTextHead), "max_source_positions": \(h.nAudioCtx),
             "max_target_positions": \(h.nTextCtx), "torch_dtype": "float32"}
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let names = huggingFaceNames()
        let perShard = (names.count + shards - 1) / shards
        var index: [(String, String)] = []
        for shard in 0..<shards {
            let part = names[(shard * perShard)..<min(names.count, (shard + 1) * perShard)]
            let file = shards == 1 ? "model.safetensors" : String(format: "model-%05d-of-%05d.safetensors", shard + 1, shards)
            let tensors = part.map { pair -> (String, [Int], [UInt8], String) in
                let t = tensor(pair.ggml)
                return (pair.hf, t.shape, Self.encode(t.values, as: element), element.rawValue)
            }
            try Data(Self.safetensors(tensors)).write(to: URL(fileURLWithPath: directory + "/" + file))
            for pair in part { index.append((pair.hf, file)) }
        }
        if shards > 1 {
            let map = index.map { "\(Self.jsonString($0.0)): \(Self.jsonString($0.1))" }.joined(separator: ",\n")
            try Data("{\"metadata\": {}, \"weight_map\": {\n\(map)\n}}".utf8)
                .write(to: URL(fileURLWithPath: directory + "/model.safetensors.index.json"))
        }
        let texts = tokenTexts()
        let endOfText = texts.firstIndex(of: "<|endoftext|>")!
        let entries = texts.enumerated().map { "\(Self.jsonString($0.element)): \($0.offset)" }
        if tokenizerJSON {
            let added = texts.enumerated().dropFirst(endOfText).map { "{\"id\": \($0.offset), \"content\": \(Self.jsonString($0.element)), \"special\": true}" }
            let vocab = entries.prefix(endOfText).joined(separator: ",")
            try Data("{\"model\": {\"type\": \"BPE\", \"vocab\": {\(vocab)}}, \"added_tokens\": [\(added.joined(separator: ","))]}".utf8)
                .write(to: URL(fileURLWithPath: directory + "/tokenizer.json"))
        } else {
            try Data("{\(entries.prefix(endOfText + 1).joined(separator: ","))}".utf8).write(to: URL(fileURLWithPath: directory + "/vocab.json"))
            try Data("{\(entries.dropFirst(endOfText + 1).joined(separator: ","))}".utf8).write(to: URL(fileURLWithPath: directory + "/added_tokens.json"))
        }
    }

    // MARK: - CTranslate2

    enum CT2Element: UInt8 { case f32 = 0, int8 = 1, int16 = 2, f16 = 4, bf16 = 5 }

    /// The bytes of a CTranslate2 model.bin (binary version 6) with the Whisper spec's variables.
    func ctranslate2ModelBin(weights element: CT2Element) -> [UInt8] {
        var variables: [(String, [Int], CT2Element, [UInt8])] = []
        func string(_ s: String) -> [UInt8] {
            var out: [UInt8] = []
            withUnsafeBytes(of: UInt16(s.utf8.count + 1).littleEndian) { out += $0 }
            return out + Array(s.utf8) + [0]
        }
        func add(_ name: String, _ shape: [Int], _ values: [Float], quantize: Bool) {
            let isMatrix = shape.count >= 2
            switch (element, isMatrix && quantize) {
            case (.int8, true):
                let rows = shape[0], width = values.count / rows
                var codes: [UInt8] = [], scales: [Float] = []
                for r in 0..<rows {
                    let row = values[(r * width)..<((r + 1) * width)]
                    let amax = row.map(abs).max() ?? 0
                    let scale = 127 / (amax == 0 ? 127 : amax)
                    scales.append(scale)
                    codes += row.map { UInt8(bitPattern: Int8(($0 * scale).rounded(.toNearestOrEven))) }
                }
                variables.append((name, shape, .int8, codes))
                variables.append((name + "_scale", [rows], .f32, CheckpointWriter.encode(scales, as: .f32)))
            case (.int16, true):
                // One scale for the whole tensor: 2¹⁰ over the largest magnitude (CTranslate2's int16).
                let amax = values.map(abs).max() ?? 0
                let scale = 1024 / (amax == 0 ? 1 : amax)
                var codes: [UInt8] = []
                for v in values {
                    let q = Int16(max(-32768, min(32767, (v * scale).rounded(.toNearestOrEven))))
                    withUnsafeBytes(of: q.littleEndian) { codes += $0 }
                }
                variables.append((name, shape, .int16, codes))
                variables.append((name + "_scale", [], .f32, CheckpointWriter.encode([scale], as: .f32)))
            case (.int8, false), (.f16, _), (.int16, false):
                variables.append((name, shape, .f16, CheckpointWriter.encode(values, as: .f16)))
            case (.f32, _):
                variables.append((name, shape, .f32, CheckpointWriter.encode(values, as: .f32)))
            case (.bf16, _):
                variables.append((name, shape, .bf16, CheckpointWriter.encode(values, as: .bf16)))
            }
        }
        func linear(_ ct: String, _ g: String, bias: Bool = true) {
            let w = tensor(g + ".weight")
            add(ct + "/weight", w.shape, w.values, quantize: true)
            if bias { let b = tensor(g + ".bias"); add(ct + "/bias", b.shape, b.values, quantize: false) }
        }
        func norm(_ ct: String, _ g: String) {
            let w = tensor(g + ".weight"), b = tensor(g + ".bias")
            add(ct + "/gamma", w.shape, w.values, quantize: false)
            add(ct + "/beta", b.shape, b.values, quantize: false)
        }
        func fused(_ ct: String, _ parts: [String]) {
            var weights: [Float] = [], biases: [Float] = []
            var rows = 0, width = 0
            for p in parts {
                let w = tensor(p + ".weight")
                weights += w.values
                rows += w.shape[0]
                width = w.shape[1]
                biases += p.hasSuffix(".key") ? [Float](repeating: 0, count: w.shape[0]) : tensor(p + ".bias").values
            }
            add(ct + "/weight", [rows, width], weights, quantize: true)
            add(ct + "/bias", [rows], biases, quantize: false)
        }
        func scalar(_ name: String, _ value: Int) {
            var bytes: [UInt8] = []
            withUnsafeBytes(of: Int16(value).littleEndian) { bytes += $0 }
            variables.append((name, [], .int16, bytes))
        }
        scalar("encoder/num_heads", h.nAudioHead)
        scalar("decoder/num_heads", h.nTextHead)
        let pos = tensor("encoder.positional_embedding")
        add("encoder/position_encodings/encodings", pos.shape, pos.values, quantize: false)
        linear("encoder/conv1", "encoder.conv1")
        linear("encoder/conv2", "encoder.conv2")
        for i in 0..<h.nAudioLayer {
            let g = "encoder.blocks.\(i)", c = "encoder/layer_\(i)"
            fused(c + "/self_attention/linear_0", [g + ".attn.query", g + ".attn.key", g + ".attn.value"])
            linear(c + "/self_attention/linear_1", g + ".attn.out")
            norm(c + "/self_attention/layer_norm", g + ".attn_ln")
            linear(c + "/ffn/linear_0", g + ".mlp.0")
            linear(c + "/ffn/linear_1", g + ".mlp.2")
            norm(c + "/ffn/layer_norm", g + ".mlp_ln")
        }
        norm("encoder/layer_norm", "encoder.ln_post")
        let tpos = tensor("decoder.positional_embedding")
        add("decoder/position_encodings/encodings", tpos.shape, tpos.values, quantize: false)
        let emb = tensor("decoder.token_embedding.weight")
        add("decoder/embeddings/weight", emb.shape, emb.values, quantize: false)
        for i in 0..<h.nTextLayer {
            let g = "decoder.blocks.\(i)", c = "decoder/layer_\(i)"
            fused(c + "/self_attention/linear_0", [g + ".attn.query", g + ".attn.key", g + ".attn.value"])
            linear(c + "/self_attention/linear_1", g + ".attn.out")
            norm(c + "/self_attention/layer_norm", g + ".attn_ln")
            linear(c + "/attention/linear_0", g + ".cross_attn.query")
            fused(c + "/attention/linear_1", [g + ".cross_attn.key", g + ".cross_attn.value"])
            linear(c + "/attention/linear_2", g + ".cross_attn.out")
            norm(c + "/attention/layer_norm", g + ".cross_attn_ln")
            linear(c + "/ffn/linear_0", g + ".mlp.0")
            linear(c + "/ffn/linear_1", g + ".mlp.2")
            norm(c + "/ffn/layer_norm", g + ".mlp_ln")
        }
        norm("decoder/layer_norm", "decoder.ln")

        var out: [UInt8] = []
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out += $0 } }
        u32(6)
        out += string("WhisperSpec")
        u32(3)
        u32(variables.count)
        for (name, shape, type, data) in variables {
            out += string(name)
            out.append(UInt8(shape.count))
            shape.forEach(u32)
            out.append(type.rawValue)
            u32(data.count)
            out += data
        }
        u32(1)
        out += string("decoder/projection/weight")
        out += string("decoder/embeddings/weight")
        return out
    }

    func writeCTranslate2(to directory: String, weights element: CT2Element, jsonVocabulary: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(ctranslate2ModelBin(weights: element)).write(to: URL(fileURLWithPath: directory + "/model.bin"))
        try Data("{\"suppress_ids\": [], \"lang_ids\": []}".utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let texts = tokenTexts()
        if jsonVocabulary {
            try Data("[\(texts.map(Self.jsonString).joined(separator: ","))]".utf8)
                .write(to: URL(fileURLWithPath: directory + "/vocabulary.json"))
        } else {
            try Data((texts.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/vocabulary.txt"))
        }
    }
}
