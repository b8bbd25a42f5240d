import WhisperCore

/// A faster-whisper model: a CTranslate2 directory with `model.bin` (the weights), `config.json`
/// and `vocabulary.txt` or `vocabulary.json`.
///
/// `model.bin` (little-endian; CTranslate2's `src/models/model.cc` reads it, its Python
/// `ModelSpec._serialize` writes it): u32 binary version; from version 2 the spec's name and a u32
/// revision; u32 variable count; per variable its name, u8 rank, u32 dimensions, then (version ≥ 4)
/// u8 type id and u32 byte count — or (older) u8 item size and u32 item count — and the data; from
/// version 3, u32 alias count and (alias, target) name pairs. Strings are a u16 length counting a
/// terminating NUL, then the bytes and the NUL.
///
/// Whisper's spec fuses projections: self-attention `linear_0` is `[query; key; value]` (the key's
/// bias rows are zero: Whisper's key has none), cross-attention `linear_1` is `[key; value]`; the
/// output projection is an alias of the token embedding. Integer weights come with a
/// `<name>_scale` variable: int8 one float per row, int16 one for the whole tensor; the value is
/// the integer divided by its scale.
public enum CTranslate2Checkpoint {
    /// Type ids in CTranslate2's `DataType` order.
    static let elements: [ImportedTensor.Element] = [.float32, .int8, .int16, .int32, .float16, .bfloat16]

    struct Variable {
        var shape: [Int]
        var element: ImportedTensor.Element
        var bytes: UnsafeRawBufferPointer
    }

    /// Whether `directory` holds a CTranslate2 model.
    public static func isCheckpoint(_ directory: String, exists: (String) -> Bool) -> Bool {
        exists(directory + "/model.bin") && exists(directory + "/config.json")
    }

    /// Parses `model.bin`'s bytes into named variables (aliases resolved).
    static func variables(_ bytes: UnsafeRawBufferPointer, path: String) throws(ImportError) -> (spec: String, variables: [String: Variable]) {
        var offset = 0
        func fail(_ what: String) -> ImportError {
            ImportError(path: path, reason: "not a readable CTranslate2 model: \(what) (at byte \(offset))")
        }
        func need(_ count: Int, _ what: String) throws(ImportError) {
            guard count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
                throw fail("the file ends inside \(what)")
            }
        }
        func u8(_ what: String) throws(ImportError) -> Int {
            try need(1, what); defer { offset += 1 }
            return Int(bytes[offset])
        }
        func u16(_ what: String) throws(ImportError) -> Int {
            try need(2, what); defer { offset += 2 }
            return Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        }
        func u32(_ what: String) throws(ImportError) -> Int {
            try need(4, what); defer { offset += 4 }
            return Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
        func string(_ what: String) throws(ImportError) -> String {
            let length = try u16(what)
            try need(length, what)
            defer { offset += length }
            let body = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + max(0, length - 1))])
            return String(decoding: body, as: UTF8.self)
        }

        let version = try u32("the binary version")
        guard (1...6).contains(version) else {
            throw ImportError(path: path, reason: "CTranslate2 binary version \(version) is not one this reads (1 to 6); "
                              + "is this a CTranslate2 model.bin?")
        }
        var spec = ""
        if version >= 2 {
            spec = try string("the spec name")
            _ = try u32("the spec revision")
        }
        let count = try u32("the variable count")
        guard count <= 1_000_000 else { throw fail("\(count) variables is not a model") }
        var variables: [String: Variable] = [:]
        for _ in 0..<count {
            let name = try string("a variable name")
            let rank = try u8("the rank of '\(name)'")
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(try u32("the shape of '\(name)'")) }
            let element: ImportedTensor.Element
            let byteCount: Int
            if version >= 4 {
                let type = try u8("the type of '\(name)'")
                guard type < elements.count else {
                    throw ImportError(path: path, reason: "variable '\(name)' has unknown type id \(type)")
                }
                element = elements[type]
                byteCount = try u32("the size of '\(name)'")
            } else {
                let itemSize = try u8("the item size of '\(name)'")
                let items = try u32("the size of '\(name)'")
                switch itemSize {
                case 4: element = .float32
                case 2: element = .int16
                case 1: element = .int8
                default: throw ImportError(path: path, reason: "variable '\(name)' has items of \(itemSize) bytes")
                }
                byteCount = items * itemSize
            }
            let elementCount = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            guard elementCount < Int.max / 8, elementCount * element.byteWidth == byteCount else {
                throw ImportError(path: path, reason: "variable '\(name)' says \(byteCount) bytes, but its shape \(shape) of "
                                  + "\(element.rawValue) needs \(elementCount < Int.max / 8 ? String(elementCount * element.byteWidth) : "more")")
            }
            try need(byteCount, "the data of '\(name)'")
            variables[name] = Variable(shape: shape, element: element,
                                       bytes: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + byteCount)]))
            offset += byteCount
        }
        if version >= 3 && offset < bytes.count {
            let aliases = try u32("the alias count")
            for _ in 0..<aliases {
                let alias = try string("an alias")
                let target = try string("an alias target")
                guard let variable = variables[target] else {
                    throw ImportError(path: path, reason: "alias '\(alias)' names '\(target)', which is not in the file")
                }
                variables[alias] = variable
            }
        }
        return (spec, variables)
    }

    /// Reads the CTranslate2 model in `directory`. `readFile` returns a file's bytes (kept alive by the returned owner).
    public static func read(directory: String, mapFile: (String) throws -> MappedFile,
                            readText: (String) throws -> [UInt8]?) throws -> ImportedModel {
        let modelPath = directory + "/model.bin"
        let file = try mapFile(modelPath)
        let (spec, variables) = try Self.variables(file.bytes, path: modelPath)
        guard spec.isEmpty || spec.contains("Whisper") else {
            throw ImportError(path: modelPath, reason: "a CTranslate2 '\(spec)' model, not a Whisper model")
        }

        func variable(_ name: String) throws(ImportError) -> Variable {
            guard let v = variables[name] else { throw ImportError(path: modelPath, reason: "tensor '\(name)' is missing") }
            return v
        }
        func scalar(_ name: String) throws(ImportError) -> Int {
            let v = try variable(name)
            guard v.shape.reduce(1, *) == 1 else { throw ImportError(path: modelPath, reason: "'\(name)' is not a number") }
            switch v.element {
            case .int8: return Int(v.bytes.load(as: Int8.self))
            case .int16: return Int(Int16(littleEndian: v.bytes.loadUnaligned(as: Int16.self)))
            case .int32: return Int(Int32(littleEndian: v.bytes.loadUnaligned(as: Int32.self)))
            default: return Int(ImportedTensor(shape: [1], element: v.element, bytes: v.bytes, owner: file).float(0))
            }
        }
        func tensor(_ name: String) throws(ImportError) -> ImportedTensor {
            let v = try variable(name)
            var scale: [Float]?
            if [.int8, .int16, .int32].contains(v.element) {
                guard let s = variables[name + "_scale"] else {
                    throw ImportError(path: modelPath, reason: "integer tensor '\(name)' has no '\(name)_scale'")
                }
                let scaleTensor = ImportedTensor(shape: s.shape, element: s.element, bytes: s.bytes, owner: file)
                scale = scaleTensor.floats()
                guard scale!.count == 1 || scale!.count == v.shape.first else {
                    throw ImportError(path: modelPath, reason: "'\(name)_scale' has \(scale!.count) values for \(v.shape.first ?? 0) rows")
                }
            }
            return ImportedTensor(shape: v.shape, element: v.element, bytes: v.bytes, scale: scale, owner: file)
        }

        let conv1 = try variable("encoder/conv1/weight")
        guard conv1.shape.count == 3 else {
            throw ImportError(path: modelPath, reason: "tensor 'encoder/conv1/weight' has shape \(conv1.shape), expected [d, n_mels, 3]")
        }
        let d = conv1.shape[0]
        func layers(_ prefix: String) -> Int {
            var n = 0
            while variables["\(prefix)/layer_\(n)/ffn/linear_0/weight"] != nil { n += 1 }
            return n
        }
        let embeddings = try variable("decoder/embeddings/weight")
        let audioPositions = try variable("encoder/position_encodings/encodings")
        let textPositions = try variable("decoder/position_encodings/encodings")
        guard embeddings.shape.count == 2, audioPositions.shape.count == 2, textPositions.shape.count == 2 else {
            throw ImportError(path: modelPath, reason: "the embeddings are not matrices")
        }

        // Vocabulary: vocabulary.json (a list) or vocabulary.txt (a token per line).
        var tokens: [String]
        if let json = try readText(directory + "/vocabulary.json") {
            let value: JSONValue
            do { value = try JSONParser.parse(json) } catch {
                throw ImportError(path: directory + "/vocabulary.json", reason: "\(error)")
            }
            guard let list = value.arrayValue?.compactMap(\.stringValue), !list.isEmpty else {
                throw ImportError(path: directory + "/vocabulary.json", reason: "not a list of tokens")
            }
            tokens = list
        } else if let text = try readText(directory + "/vocabulary.txt") {
            tokens = String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map {
                String($0.hasSuffix("\r") ? $0.dropLast() : $0)
            }
            if tokens.last == "" { tokens.removeLast() }
        } else {
            throw ImportError(path: directory, reason: "no vocabulary.txt or vocabulary.json beside model.bin")
        }
        let vocabulary = try GPT2ByteText.ggmlVocabulary(tokens, path: directory + "/vocabulary.txt")

        var model = ImportedModel(
            source: directory, format: "CTranslate2",
            hyperparameters: ModelHyperparameters(
                nVocab: embeddings.shape[0], nAudioCtx: audioPositions.shape[0], nAudioState: d,
                nAudioHead: try scalar("encoder/num_heads"), nAudioLayer: layers("encoder"),
                nTextCtx: textPositions.shape[0], nTextState: embeddings.shape[1],
                nTextHead: try scalar("decoder/num_heads"), nTextLayer: layers("decoder"),
                nMels: conv1.shape[1], rawFileType: 1),
            vocabulary: vocabulary, tensors: [:],
            sourceTypes: Set(variables.values.filter { $0.shape.reduce(1, *) > 1 }.map(\.element.rawValue)))
        let h = model.hyperparameters
        func put(_ name: String, _ t: ImportedTensor) { model.tensors[name] = t }
        func linear(_ target: String, _ source: String, bias: Bool = true) throws(ImportError) {
            put(target + ".weight", try tensor(source + "/weight"))
            if bias { put(target + ".bias", try tensor(source + "/bias")) }
        }
        func norm(_ target: String, _ source: String) throws(ImportError) {
            put(target + ".weight", try tensor(source + "/gamma"))
            put(target + ".bias", try tensor(source + "/beta"))
        }
        /// Splits a fused projection's weight and bias into `parts` equal row blocks.
        func fused(_ source: String, _ targets: [String], width: Int) throws(ImportError) {
            let weight = try tensor(source + "/weight"), bias = try tensor(source + "/bias")
            guard weight.shape.first == targets.count * width, bias.shape.first == targets.count * width else {
                throw ImportError(path: modelPath, reason: "tensor '\(source)/weight' has shape \(weight.shape), expected [\(targets.count * width), \(width)]")
            }
            for (i, target) in targets.enumerated() {
                put(target + ".weight", weight.rows((i * width)..<((i + 1) * width)))
                if !target.hasSuffix(".key") { put(target + ".bias", bias.rows((i * width)..<((i + 1) * width))) }
            }
        }

        put("encoder.positional_embedding", try tensor("encoder/position_encodings/encodings"))
        try linear("encoder.conv1", "encoder/conv1")
        try linear("encoder.conv2", "encoder/conv2")
        for i in 0..<h.nAudioLayer {
            let p = "encoder.blocks.\(i)", s = "encoder/layer_\(i)"
            try fused(s + "/self_attention/linear_0", [p + ".attn.query", p + ".attn.key", p + ".attn.value"], width: d)
            try linear(p + ".attn.out", s + "/self_attention/linear_1")
            try norm(p + ".attn_ln", s + "/self_attention/layer_norm")
            try linear(p + ".mlp.0", s + "/ffn/linear_0")
            try linear(p + ".mlp.2", s + "/ffn/linear_1")
            try norm(p + ".mlp_ln", s + "/ffn/layer_norm")
        }
        try norm("encoder.ln_post", "encoder/layer_norm")
        put("decoder.positional_embedding", try tensor("decoder/position_encodings/encodings"))
        put("decoder.token_embedding.weight", try tensor("decoder/embeddings/weight"))
        let td = h.nTextState
        for i in 0..<h.nTextLayer {
            let p = "decoder.blocks.\(i)", s = "decoder/layer_\(i)"
            try fused(s + "/self_attention/linear_0", [p + ".attn.query", p + ".attn.key", p + ".attn.value"], width: td)
            try linear(p + ".attn.out", s + "/self_attention/linear_1")
            try norm(p + ".attn_ln", s + "/self_attention/layer_norm")
            try linear(p + ".cross_attn.query", s + "/attention/linear_0")
            try fused(s + "/attention/linear_1", [p + ".cross_attn.key", p + ".cross_attn.value"], width: td)
            try linear(p + ".cross_attn.out", s + "/attention/linear_2")
            try norm(p + ".cross_attn_ln", s + "/attention/layer_norm")
            try linear(p + ".mlp.0", s + "/ffn/linear_0")
            try linear(p + ".mlp.2", s + "/ffn/linear_1")
            try norm(p + ".mlp_ln", s + "/ffn/layer_norm")
        }
        try norm("decoder.ln", "decoder/layer_norm")
        return model
    }
}
