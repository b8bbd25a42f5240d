import WhisperCore

/// A Hugging Face `transformers` Whisper checkpoint (`WhisperForConditionalGeneration`):
/// `config.json`, the weights in `model.safetensors` or in shards `model-0000N-of-0000M.safetensors`
/// listed by `model.safetensors.index.json`, and the vocabulary in `vocab.json` (+
/// `added_tokens.json`) or `tokenizer.json`.
///
/// A safetensors file is a u64 little-endian header length, a JSON header mapping each tensor name
/// to its `dtype`, `shape` and `data_offsets` [begin, end) (relative to the end of the header),
/// then the data. Everything in it is checked against the file: offsets inside the data, sizes
/// equal to shape × element size.
public enum HuggingFaceCheckpoint {
    static let elements: [String: ImportedTensor.Element] = [
        "F32": .float32, "F16": .float16, "BF16": .bfloat16, "I8": .int8, "I16": .int16, "I32": .int32,
    ]

    /// Whether `directory` holds a Hugging Face checkpoint.
    public static func isCheckpoint(_ directory: String, exists: (String) -> Bool) -> Bool {
        exists(directory + "/config.json")
            && (exists(directory + "/model.safetensors") || exists(directory + "/model.safetensors.index.json"))
    }

    /// The tensors of one safetensors file.
    static func tensors(in file: MappedFile) throws(ImportError) -> [String: ImportedTensor] {
        let bytes = file.bytes
        let path = file.path
        guard bytes.count >= 8 else { throw ImportError(path: path, reason: "not a safetensors file: \(bytes.count) bytes") }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(bytes.count - 8), headerLength < 100_000_000 else {
            throw ImportError(path: path, reason: "not a safetensors file (or truncated): its header claims \(headerLength) bytes, "
                              + "the file has \(bytes.count)")
        }
        let dataStart = 8 + Int(headerLength)
        let header: JSONValue
        do {
            header = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart]))
        } catch {
            throw ImportError(path: path, reason: "the safetensors header is not valid JSON: \(error)")
        }
        guard let members = header.objectMembers else { throw ImportError(path: path, reason: "the safetensors header is not an object") }
        let dataBytes = bytes.count - dataStart
        var out: [String: ImportedTensor] = [:]
        for (name, entry) in members where name != "__metadata__" {
            guard let dtype = entry["dtype"]?.stringValue else {
                throw ImportError(path: path, reason: "tensor '\(name)' has no dtype")
            }
            guard let element = elements[dtype] else {
                throw ImportError(path: path, reason: "tensor '\(name)' has dtype \(dtype), which is not one of F32, F16, BF16")
            }
            guard let shape = entry["shape"]?.arrayValue?.compactMap(\.intValue), shape.allSatisfy({ $0 >= 0 && $0 < 1 << 32 }),
                  let offsets = entry["data_offsets"]?.arrayValue?.compactMap(\.intValue), offsets.count == 2 else {
                throw ImportError(path: path, reason: "tensor '\(name)' has no valid shape or data_offsets")
            }
            var count = 1
            for dim in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dim)
                guard !overflow, product < Int.max / 8 else { throw ImportError(path: path, reason: "tensor '\(name)' is impossibly large") }
                count = product
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= dataBytes else {
                throw ImportError(path: path, reason: "tensor '\(name)' lies at bytes \(begin)..<\(end) of the data, "
                                  + "which has \(dataBytes) (truncated file?)")
            }
            guard end - begin == count * element.byteWidth else {
                throw ImportError(path: path, reason: "tensor '\(name)' has \(end - begin) bytes, but its shape \(shape) "
                                  + "of \(dtype) needs \(count * element.byteWidth)")
            }
            out[name] = ImportedTensor(shape: shape, element: element,
                                       bytes: UnsafeRawBufferPointer(rebasing: bytes[(dataStart + begin)..<(dataStart + end)]),
                                       owner: file)
        }
        return out
    }

    /// Reads the checkpoint in `directory`.
    public static func read(directory: String, mapFile: (String) throws -> MappedFile,
                            readText: (String) throws -> [UInt8]?) throws -> ImportedModel {
        func json(_ name: String) throws -> JSONValue? {
            guard let bytes = try readText(directory + "/" + name) else { return nil }
            do { return try JSONParser.parse(bytes) } catch {
                throw ImportError(path: directory + "/" + name, reason: "\(error)")
            }
        }
        let configPath = directory + "/config.json"
        guard let config = try json("config.json") else { throw ImportError(path: configPath, reason: "missing") }
        func number(_ key: String, _ alternatives: String...) throws(ImportError) -> Int {
            for k in [key] + alternatives { if let v = config[k]?.intValue { return v } }
            throw ImportError(path: configPath, reason: "has no '\(key)'")
        }
        if let type = config["model_type"]?.stringValue, type != "whisper" {
            throw ImportError(path: configPath, reason: "a '\(type)' model, not Whisper")
        }

        // Weights: one file, or shards listed by the index.
        var tensors: [String: ImportedTensor] = [:]
        var files: [String] = []
        if let index = try json("model.safetensors.index.json") {
            guard let map = index["weight_map"]?.objectMembers else {
                throw ImportError(path: directory + "/model.safetensors.index.json", reason: "has no weight_map")
            }
            for (_, file) in map {
                if let name = file.stringValue, !files.contains(name) {
                    guard !name.contains("/") && !name.hasPrefix(".") else {
                        throw ImportError(path: directory + "/model.safetensors.index.json", reason: "names a shard outside the folder: '\(name)'")
                    }
                    files.append(name)
                }
            }
        } else {
            files = ["model.safetensors"]
        }
        for name in files {
            for (key, value) in try Self.tensors(in: try mapFile(directory + "/" + name)) { tensors[key] = value }
        }

        // Vocabulary: vocab.json (+ added_tokens.json), or tokenizer.json's model.vocab and added_tokens.
        var byID: [Int: String] = [:]
        if let vocab = try json("vocab.json") {
            for (token, id) in vocab.objectMembers ?? [] { if let id = id.intValue { byID[id] = token } }
            for (token, id) in try json("added_tokens.json")?.objectMembers ?? [] { if let id = id.intValue { byID[id] = token } }
        } else if let tokenizer = try json("tokenizer.json") {
            for (token, id) in tokenizer["model"]?["vocab"]?.objectMembers ?? [] { if let id = id.intValue { byID[id] = token } }
            for added in tokenizer["added_tokens"]?.arrayValue ?? [] {
                if let id = added["id"]?.intValue, let token = added["content"]?.stringValue { byID[id] = token }
            }
        } else {
            throw ImportError(path: directory, reason: "no vocab.json or tokenizer.json")
        }
        var ordered: [String] = []
        while let token = byID[ordered.count] { ordered.append(token) }
        let vocabulary = try GPT2ByteText.ggmlVocabulary(ordered, path: directory + "/vocab.json")

        let d = try number("d_model")
        var model = ImportedModel(
            source: directory, format: "Hugging Face transformers",
            hyperparameters: ModelHyperparameters(
                nVocab: try number("vocab_size"), nAudioCtx: try number("max_source_positions"), nAudioState: d,
                nAudioHead: try number("encoder_attention_heads"), nAudioLayer: try number("encoder_layers"),
                nTextCtx: try number("max_target_positions", "max_length"), nTextState: d,
                nTextHead: try number("decoder_attention_heads"), nTextLayer: try number("decoder_layers"),
                nMels: try number("num_mel_bins"), rawFileType: 1),
            vocabulary: vocabulary, tensors: [:], sourceTypes: Set(tensors.values.map(\.element.rawValue)))
        let h = model.hyperparameters
        func take(_ target: String, _ source: String) {
            // Some checkpoints drop the "model." prefix.
            if let t = tensors["model." + source] ?? tensors[source] { model.tensors[target] = t }
        }
        func linear(_ target: String, _ source: String, bias: Bool = true) {
            take(target + ".weight", source + ".weight")
            if bias { take(target + ".bias", source + ".bias") }
        }
        func attention(_ target: String, _ source: String) {
            linear(target + ".query", source + ".q_proj")
            linear(target + ".key", source + ".k_proj", bias: false)
            linear(target + ".value", source + ".v_proj")
            linear(target + ".out", source + ".out_proj")
        }
        take("encoder.positional_embedding", "encoder.embed_positions.weight")
        linear("encoder.conv1", "encoder.conv1")
        linear("encoder.conv2", "encoder.conv2")
        for i in 0..<h.nAudioLayer {
            let p = "encoder.blocks.\(i)", s = "encoder.layers.\(i)"
            attention(p + ".attn", s + ".self_attn")
            linear(p + ".attn_ln", s + ".self_attn_layer_norm")
            linear(p + ".mlp.0", s + ".fc1")
            linear(p + ".mlp.2", s + ".fc2")
            linear(p + ".mlp_ln", s + ".final_layer_norm")
        }
        linear("encoder.ln_post", "encoder.layer_norm")
        take("decoder.positional_embedding", "decoder.embed_positions.weight")
        take("decoder.token_embedding.weight", "decoder.embed_tokens.weight")
        for i in 0..<h.nTextLayer {
            let p = "decoder.blocks.\(i)", s = "decoder.layers.\(i)"
            attention(p + ".attn", s + ".self_attn")
            linear(p + ".attn_ln", s + ".self_attn_layer_norm")
            attention(p + ".cross_attn", s + ".encoder_attn")
            linear(p + ".cross_attn_ln", s + ".encoder_attn_layer_norm")
            linear(p + ".mlp.0", s + ".fc1")
            linear(p + ".mlp.2", s + ".fc2")
            linear(p + ".mlp_ln", s + ".final_layer_norm")
        }
        linear("decoder.ln", "decoder.layer_norm")
        return model
    }
}
