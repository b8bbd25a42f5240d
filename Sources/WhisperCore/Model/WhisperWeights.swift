/// A layer norm's scale and shift.
package struct LayerNormWeights: Sendable {
    package let gamma: [Float]
    package let beta: [Float]
}

/// A linear layer `y = x Wᵀ + b`; `bias` is absent where Whisper has none (attention keys).
package struct LinearWeights: Sendable {
    package let weight: WeightMatrix
    package let bias: [Float]?
    package var inputs: Int { weight.columns }
    package var outputs: Int { weight.rows }
}

/// One multi-head attention: query, key (no bias), value and output projections.
package struct AttentionWeights: Sendable {
    package let query: LinearWeights
    package let key: LinearWeights
    package let value: LinearWeights
    package let out: LinearWeights
}

/// A pre-norm residual block of the audio encoder.
package struct EncoderBlockWeights: Sendable {
    package let attentionNorm: LayerNormWeights
    package let attention: AttentionWeights
    package let mlpNorm: LayerNormWeights
    package let mlpUp: LinearWeights      // d → 4d, then GELU
    package let mlpDown: LinearWeights    // 4d → d
}

/// A pre-norm residual block of the text decoder.
package struct DecoderBlockWeights: Sendable {
    package let selfAttentionNorm: LayerNormWeights
    package let selfAttention: AttentionWeights
    package let crossAttentionNorm: LayerNormWeights
    package let crossAttention: AttentionWeights
    package let mlpNorm: LayerNormWeights
    package let mlpUp: LinearWeights
    package let mlpDown: LinearWeights
}

/// The audio encoder's weights.
package struct EncoderWeights: Sendable {
    /// Kernel-3 convolutions as matrices of `cOut` rows by `3·cIn` columns (column = ci·3 + k).
    package let conv1: LinearWeights
    package let conv2: LinearWeights
    /// `[nAudioCtx][d]`, row-major.
    package let positionalEmbedding: [Float]
    package let blocks: [EncoderBlockWeights]
    package let finalNorm: LayerNormWeights
}

/// The text decoder's weights.
package struct DecoderWeights: Sendable {
    /// `[nVocab][d]`: embeds tokens and, transposed, turns the last hidden state into logits.
    package let tokenEmbedding: WeightMatrix
    /// `[nTextCtx][d]`, row-major.
    package let positionalEmbedding: [Float]
    package let blocks: [DecoderBlockWeights]
    package let finalNorm: LayerNormWeights
}

/// All of a Whisper model's weights, checked against the architecture its header describes.
/// Matrices point into the memory-mapped file; vectors are small and copied to `[Float]`.
package struct WhisperWeights: Sendable {
    package let encoder: EncoderWeights
    package let decoder: DecoderWeights

    package init(file: GGMLModelFile) throws(ModelLoadError) {
        var reader = WeightTableReader(file: file)
        let h = file.hyperparameters
        let d = h.nAudioState

        func norm(_ prefix: String, _ width: Int) throws(ModelLoadError) -> LayerNormWeights {
            LayerNormWeights(gamma: try reader.vector(prefix + ".weight", [width]),
                             beta: try reader.vector(prefix + ".bias", [width]))
        }
        func linear(_ prefix: String, inputs: Int, outputs: Int, bias: Bool = true) throws(ModelLoadError) -> LinearWeights {
            LinearWeights(weight: try reader.matrix(prefix + ".weight", [inputs, outputs]),
                          bias: bias ? try reader.vector(prefix + ".bias", [outputs]) : nil)
        }
        func attention(_ prefix: String) throws(ModelLoadError) -> AttentionWeights {
            AttentionWeights(query: try linear(prefix + ".query", inputs: d, outputs: d),
                             key: try linear(prefix + ".key", inputs: d, outputs: d, bias: false),
                             value: try linear(prefix + ".value", inputs: d, outputs: d),
                             out: try linear(prefix + ".out", inputs: d, outputs: d))
        }

        let conv1 = LinearWeights(weight: try reader.convolution("encoder.conv1.weight", [3, h.nMels, d]),
                                  bias: try reader.vector("encoder.conv1.bias", [1, d]))
        let conv2 = LinearWeights(weight: try reader.convolution("encoder.conv2.weight", [3, d, d]),
                                  bias: try reader.vector("encoder.conv2.bias", [1, d]))
        let encoderPositions = try reader.vector("encoder.positional_embedding", [d, h.nAudioCtx])
        var encoderBlocks: [EncoderBlockWeights] = []
        for i in 0..<h.nAudioLayer {
            let p = "encoder.blocks.\(i)"
            encoderBlocks.append(EncoderBlockWeights(
                attentionNorm: try norm(p + ".attn_ln", d),
                attention: try attention(p + ".attn"),
                mlpNorm: try norm(p + ".mlp_ln", d),
                mlpUp: try linear(p + ".mlp.0", inputs: d, outputs: 4 * d),
                mlpDown: try linear(p + ".mlp.2", inputs: 4 * d, outputs: d)))
        }
        encoder = EncoderWeights(conv1: conv1, conv2: conv2, positionalEmbedding: encoderPositions,
                                 blocks: encoderBlocks, finalNorm: try norm("encoder.ln_post", d))

        let tokenEmbedding = try reader.matrix("decoder.token_embedding.weight", [d, h.nVocab])
        let decoderPositions = try reader.vector("decoder.positional_embedding", [d, h.nTextCtx])
        var decoderBlocks: [DecoderBlockWeights] = []
        for i in 0..<h.nTextLayer {
            let p = "decoder.blocks.\(i)"
            decoderBlocks.append(DecoderBlockWeights(
                selfAttentionNorm: try norm(p + ".attn_ln", d),
                selfAttention: try attention(p + ".attn"),
                crossAttentionNorm: try norm(p + ".cross_attn_ln", d),
                crossAttention: try attention(p + ".cross_attn"),
                mlpNorm: try norm(p + ".mlp_ln", d),
                mlpUp: try linear(p + ".mlp.0", inputs: d, outputs: 4 * d),
                mlpDown: try linear(p + ".mlp.2", inputs: 4 * d, outputs: d)))
        }
        decoder = DecoderWeights(tokenEmbedding: tokenEmbedding, positionalEmbedding: decoderPositions,
                                 blocks: decoderBlocks, finalNorm: try norm("decoder.ln", d))
            .withPanelsInPlace(file)

        try reader.checkAllUsed()
    }
}

/// Takes tensors out of a model file by name, checking shape and type, and remembers which were
/// taken so that leftovers can be reported.
private struct WeightTableReader {
    let file: GGMLModelFile
    var used: Set<String> = []

    init(file: GGMLModelFile) {
        self.file = file
    }

    private mutating func take(_ name: String, _ shape: [Int]) throws(ModelLoadError) -> TensorInfo {
        guard let info = file.tensors[name] else {
            throw ModelLoadError(path: file.path, reason: .missingTensor(name))
        }
        // A trailing size of 1 is the same shape (whisper.cpp writes conv biases as [1, d]).
        func trimmed(_ s: [Int]) -> [Int] {
            var s = s
            while s.count > 1, s.last == 1 { s.removeLast() }
            return s
        }
        guard trimmed(info.dims) == trimmed(shape) || info.dims == shape else {
            throw ModelLoadError(path: file.path, reason: .wrongShape(tensor: name, expected: shape, found: info.dims))
        }
        used.insert(name)
        return info
    }

    /// A small tensor converted to Float (f32 or f16 storage).
    mutating func vector(_ name: String, _ shape: [Int]) throws(ModelLoadError) -> [Float] {
        let info = try take(name, shape)
        let base = file.data(of: info)
        switch info.type {
        case .f32:
            return (0..<info.elementCount).map {
                Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        case .f16:
            return (0..<info.elementCount).map {
                HalfPrecision.float(fromBits: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))
            }
        default:
            throw ModelLoadError(path: file.path, reason: .unsupportedTensorType(tensor: name, type: info.type))
        }
    }

    /// A weight matrix used in place; `shape` is GGML's `[columns, rows]`.
    mutating func matrix(_ name: String, _ shape: [Int]) throws(ModelLoadError) -> WeightMatrix {
        let info = try take(name, shape)
        return WeightMatrix(type: info.type, rows: shape[1], columns: shape[0], base: file.data(of: info), owner: file,
                            file: file.file)
    }

    /// A kernel-3 convolution `[3, cIn, cOut]` viewed as a `cOut × 3·cIn` matrix.
    mutating func convolution(_ name: String, _ shape: [Int]) throws(ModelLoadError) -> WeightMatrix {
        let info = try take(name, shape)
        guard !info.type.isQuantized else {
            throw ModelLoadError(path: file.path, reason: .unsupportedTensorType(tensor: name, type: info.type))
        }
        return WeightMatrix(type: info.type, rows: shape[2], columns: shape[0] * shape[1],
                            base: file.data(of: info), owner: file, file: file.file)
    }

    func checkAllUsed() throws(ModelLoadError) {
        if let extra = file.tensorOrder.first(where: { !used.contains($0) }) {
            throw ModelLoadError(path: file.path, reason: .unexpectedTensor(extra))
        }
    }
}

extension DecoderWeights {
    /// These weights prepared for decoding a token at a time: every matrix the decoder multiplies by
    /// one token's activations (not the cross-attention keys and values, projected once per window)
    /// is laid out in panels for the few-row products — block formats at once (`QuantizedPanels`),
    /// the others copied out of the mapped model file when the decoder first needs them
    /// (`StreamedMatrices`: f16 as `HalfPanels`, f32 byte for byte).
    /// Also returns the copies, which the decoder drops and makes again around each encoder run.
    func preparedForDecoding() -> (weights: DecoderWeights, copies: StreamedMatrices?) {
        func copied(_ m: WeightMatrix) -> Bool { m.quantizedPanels == nil && m.panels == nil && m.mappedFile != nil }
        var originals: [WeightMatrix] = []
        let paneled = mapPerTokenMatrices { m in
            let p = m.withQuantizedPanels()
            if copied(p) { originals.append(p) }
            return p
        }
        guard !originals.isEmpty, let copies = StreamedMatrices(originals) else { return (paneled, nil) }
        var next = 0
        let weights = paneled.mapPerTokenMatrices { m in
            guard copied(m) else { return m }
            defer { next += 1 }
            return copies.matrix(next)
        }
        return (weights, copies)
    }

    /// These weights with their f16 per-token matrices laid out in panels over the file's own bytes
    /// where the file is a buffer of the engine's own (see `GGMLModelFile.halfPanelsInPlace`).
    func withPanelsInPlace(_ file: GGMLModelFile) -> DecoderWeights {
        mapPerTokenMatrices { m in file.halfPanelsInPlace(m).map { m.using($0) } ?? m }
    }

    /// Bytes of the matrices used once per token, as their products read them (`bench`).
    var perTokenMatrixBytes: Int {
        var total = 0
        _ = mapPerTokenMatrices { m in total += m.productBytes; return m }
        return total
    }

    /// These weights with `transform` applied to each matrix used once per token, always in the same order.
    private func mapPerTokenMatrices(_ transform: (WeightMatrix) -> WeightMatrix) -> DecoderWeights {
        func linear(_ l: LinearWeights) -> LinearWeights { LinearWeights(weight: transform(l.weight), bias: l.bias) }
        func attention(_ a: AttentionWeights, keysAndValues: Bool) -> AttentionWeights {
            AttentionWeights(query: linear(a.query),
                             key: keysAndValues ? linear(a.key) : a.key,
                             value: keysAndValues ? linear(a.value) : a.value,
                             out: linear(a.out))
        }
        return DecoderWeights(
            tokenEmbedding: transform(tokenEmbedding),
            positionalEmbedding: positionalEmbedding,
            blocks: blocks.map { b in
                DecoderBlockWeights(selfAttentionNorm: b.selfAttentionNorm,
                                    selfAttention: attention(b.selfAttention, keysAndValues: true),
                                    crossAttentionNorm: b.crossAttentionNorm,
                                    crossAttention: attention(b.crossAttention, keysAndValues: false),
                                    mlpNorm: b.mlpNorm, mlpUp: linear(b.mlpUp), mlpDown: linear(b.mlpDown))
            },
            finalNorm: finalNorm)
    }
}

extension EncoderWeights {
    /// See `WeightMatrix.releasePages`.
    func releasePages() {
        conv1.weight.releasePages()
        conv2.weight.releasePages()
        for block in blocks {
            for linear in [block.attention.query, block.attention.key, block.attention.value, block.attention.out,
                           block.mlpUp, block.mlpDown] {
                linear.weight.releasePages()
            }
        }
    }
}
