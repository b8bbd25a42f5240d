/// Whisper's text decoder: token and positional embeddings, pre-norm blocks of causal
/// self-attention (with a key/value cache), cross-attention over the audio features and an MLP,
/// a final layer norm, and logits against the token embedding.
public final class TextDecoder: @unchecked Sendable {
    package let weights: DecoderWeights
    public let hyperparameters: ModelHyperparameters

    /// One slot's new tokens in a batched forward pass.
    public struct Step: Sendable {
        public var slot: Int
        public var tokens: [Int]
        /// Which of the new tokens get a row of logits (indices into `tokens`); nil: the last only.
        public var logitRows: [Int]?

        public init(slot: Int, tokens: [Int], logitRows: [Int]? = nil) {
            self.slot = slot
            self.tokens = tokens
            self.logitRows = logitRows
        }

        /// Logits for every new token (teacher forcing).
        public init(slot: Int, tokens: [Int], allLogits: Bool) {
            self.init(slot: slot, tokens: tokens, logitRows: allLogits ? Array(tokens.indices) : nil)
        }
    }

    // Activations, grown on demand and then reused. The logits (nVocab wide: 200 KB a row) are
    // sized by the rows asked for, not by the tokens fed: a 224-token prompt needs 2 rows, not 224.
    private(set) var capacityRows = 0
    private(set) var capacityLogitRows = 0
    private var x = FloatBuffer(count: 0), normed = FloatBuffer(count: 0)
    private var q = FloatBuffer(count: 0), k = FloatBuffer(count: 0), v = FloatBuffer(count: 0)
    private var attended = FloatBuffer(count: 0), projected = FloatBuffer(count: 0)
    private var hidden = FloatBuffer(count: 0)
    private var logitRowsInput = FloatBuffer(count: 0)
    private var logits = FloatBuffer(count: 0)
    /// Scratch of the few-query attention (scores and partial sums), sized for the longest key list.
    private var attentionScratch = FloatBuffer(count: 0)

    /// The per-token matrices are prepared for few-row products (see
    /// `DecoderWeights.preparedForDecoding`).
    package init(weights: DecoderWeights, hyperparameters: ModelHyperparameters) {
        (self.weights, weightCopies) = weights.preparedForDecoding()
        self.hyperparameters = hyperparameters
    }

    /// A decoder with activations of its own over `other`'s weights as prepared, copies included
    /// (transcriptions side by side: one set of copies, kept). Makes `other`'s copies if they are not
    /// there; `other` must not release them while this decoder is in use.
    package init(sharingWeightsOf other: TextDecoder, executor: ParallelExecutor) {
        other.fillWeightCopies(executor: executor)
        weights = other.weights
        hyperparameters = other.hyperparameters
        weightCopies = nil
    }

    /// The copied matrices of `weights`, if any.
    private let weightCopies: StreamedMatrices?

    /// Gives back the memory of the decoder's weight copies until the next `crossAttention`, which
    /// makes them again. The transcriber calls this before running the encoder, so that the
    /// encoder's peak memory and the decoder's do not add up.
    public func releaseWeightCopies() {
        weightCopies?.release()
    }

    /// Makes the weight copies again (if `releaseWeightCopies` dropped them).
    package func fillWeightCopies(executor: ParallelExecutor) {
        weightCopies?.fill(executor: executor)
    }

    /// Bytes a decoding step streams whatever its position: every per-token weight matrix, in the
    /// layout its products read, and the window's cross-attention keys and values (the growing
    /// self-attention cache, a few hundred KB at most for tiny, is left out). For `bench`.
    package func bytesReadPerStep(cross: CrossAttentionCache) -> Int {
        weights.perTokenMatrixBytes + cross.byteCount
    }

    /// A key/value cache for `slots` sequences; throws `AllocationError` when it cannot fit in memory.
    public func makeCache(slots: Int) throws(AllocationError) -> KeyValueCache {
        let h = hyperparameters
        return try KeyValueCache(layers: h.nTextLayer, slots: slots, capacity: h.nTextCtx, width: h.nTextState)
    }

    /// Projects one window's audio features (`[rows][d]`) to every layer's cross-attention keys and
    /// values, rounded to half precision (see `CrossAttentionCache`).
    /// Also makes the decoder's weight copies again if `releaseWeightCopies` dropped them.
    public func crossAttention(features: [Float], executor: ParallelExecutor) throws(AllocationError) -> CrossAttentionCache {
        defer { weightCopies?.fill(executor: executor) }                                // after `projected` is freed: a lower peak
        return try crossAttentionOnly(features: features, executor: executor)
    }

    /// `crossAttention` without making the weight copies again (`forward` makes them when needed).
    package func crossAttentionOnly(features: [Float], executor: ParallelExecutor) throws(AllocationError) -> CrossAttentionCache {
        let d = hyperparameters.nTextState
        let rows = features.count / d
        let cache = try CrossAttentionCache(layers: weights.blocks.count, rows: rows, width: d)
        let projected = try FloatBuffer(count: rows * d, purpose: "one layer's cross-attention keys (\(rows) × \(d) floats)", zeroed: false)
        features.withUnsafeBufferPointer { f in
            for (i, block) in weights.blocks.enumerated() {
                let a = block.crossAttention
                matmul(f.baseAddress!, rows: rows, weight: a.key.weight, bias: nil, into: projected.pointer, executor: executor)
                cache.storeKeys(layer: i, projected.pointer)
                matmul(f.baseAddress!, rows: rows, weight: a.value.weight, bias: a.value.bias, into: projected.pointer, executor: executor)
                cache.storeValues(layer: i, projected.pointer)
            }
        }
        return cache
    }

    private func ensureCapacity(rows: Int, logitRows: Int) {
        let d = hyperparameters.nTextState
        if rows > capacityRows {
            capacityRows = max(rows, 8)
            x = FloatBuffer(count: capacityRows * d)
            normed = FloatBuffer(count: capacityRows * d)
            q = FloatBuffer(count: capacityRows * d)
            k = FloatBuffer(count: capacityRows * d)
            v = FloatBuffer(count: capacityRows * d)
            attended = FloatBuffer(count: capacityRows * d)
            projected = FloatBuffer(count: capacityRows * d)
            hidden = FloatBuffer(count: capacityRows * 4 * d)
        }
        if attentionScratch.count == 0 {
            let h = hyperparameters
            attentionScratch = FloatBuffer(count: rowwiseAttentionScratchFloats(
                keyRows: max(h.nAudioCtx, h.nTextCtx), width: d, heads: h.nTextHead))
        }
        if logitRows > capacityLogitRows {
            capacityLogitRows = max(logitRows, 8)
            logitRowsInput = FloatBuffer(count: capacityLogitRows * d)
            logits = FloatBuffer(count: capacityLogitRows * hyperparameters.nVocab)
        }
    }

    /// The largest number of tokens a slot can hold.
    public var contextLength: Int { hyperparameters.nTextCtx }

    /// One caller's part of a pass shared with others (`decode(passes:)`): its steps, the cache
    /// holding its slots, and the audio they attend to.
    package struct Pass {
        package var steps: [Step]
        package var cache: KeyValueCache
        package var cross: CrossAttentionCache

        package init(steps: [Step], cache: KeyValueCache, cross: CrossAttentionCache) {
            (self.steps, self.cache, self.cross) = (steps, cache, cross)
        }
    }

    /// One slot's run of consecutive rows in a forward pass, with the cache that holds the slot and
    /// the audio it attends to.
    private struct Segment {
        var slot: Int
        var firstRow: Int
        var count: Int
        var cache: KeyValueCache
        var cross: CrossAttentionCache
    }

    /// One caller's rows and rows of logits in a forward pass (see `planRuns`).
    private struct PassRows {
        var firstRow = 0, rows = 0
        var firstLogit = 0, logits = 0
    }

    // The pass being run, as flat tables reused from call to call (no allocation per token once grown):
    // the token of every row, the slot runs, the callers' rows, and the row each requested row of
    // logits comes from.
    private var rowTokens: [Int] = []
    private var segments: [Segment] = []
    private var passRows: [PassRows] = []
    private var logitSources: [Int] = []

    /// Feeds each step's tokens after those already cached in its slot and returns the logits:
    /// for each step in order, one row per entry of its `logitRows` (or for its last token).
    /// The buffer is valid until the next call.
    public func decode(_ steps: [Step], cache: KeyValueCache, cross: CrossAttentionCache,
                       executor: ParallelExecutor) -> UnsafeBufferPointer<Float> {
        startPass()
        append(steps, cache: cache) { _ in cross }
        return forward(executor: executor)
    }

    /// `decode` with each slot attending to audio of its own: slot `s` to `crossBySlot[s]` (several
    /// windows decoded together, see `BatchedGreedyDecoder`).
    package func decode(_ steps: [Step], cache: KeyValueCache, crossBySlot: [CrossAttentionCache],
                        executor: ParallelExecutor) -> UnsafeBufferPointer<Float> {
        precondition(steps.allSatisfy { $0.slot < crossBySlot.count }, "a cross-attention cache for every slot")
        startPass()
        append(steps, cache: cache) { crossBySlot[$0] }
        return forward(executor: executor)
    }

    /// The passes of several callers as one (transcriptions side by side, `SharedDecoderSteps`):
    /// the logits of each pass in order, each as `decode` would return them. Every caller's rows get
    /// the bits they get from `decode` alone: few-row passes are multiplied together by the few-row
    /// products, which give a row the same result in any group, and a longer pass (a prompt) alone.
    package func decode(passes: [Pass], executor: ParallelExecutor) -> UnsafeBufferPointer<Float> {
        startPass()
        for pass in passes { append(pass.steps, cache: pass.cache) { _ in pass.cross } }
        return forward(executor: executor)
    }

    private func startPass() {
        rowTokens.removeAll(keepingCapacity: true)
        segments.removeAll(keepingCapacity: true)
        passRows.removeAll(keepingCapacity: true)
        logitSources.removeAll(keepingCapacity: true)
    }

    /// Adds one caller's steps to the row tables.
    private func append(_ steps: [Step], cache: KeyValueCache, cross: (Int) -> CrossAttentionCache) {
        var pass = PassRows(firstRow: rowTokens.count, firstLogit: logitSources.count)
        for step in steps {
            let first = rowTokens.count
            segments.append(Segment(slot: step.slot, firstRow: first, count: step.tokens.count, cache: cache, cross: cross(step.slot)))
            rowTokens.append(contentsOf: step.tokens)
            if let rows = step.logitRows {
                for r in rows { logitSources.append(first + r) }
            } else {
                logitSources.append(first + step.tokens.count - 1)
            }
        }
        pass.rows = rowTokens.count - pass.firstRow
        pass.logits = logitSources.count - pass.firstLogit
        passRows.append(pass)
    }

    /// One new token for each listed slot, the decoding loop's step: the logits of each, in order.
    /// Allocates nothing once the decoder has run a step of this size. The buffer is valid until the next call.
    public func decodeNext(_ next: [(slot: Int, token: Int)], cache: KeyValueCache, cross: CrossAttentionCache,
                           executor: ParallelExecutor) -> UnsafeBufferPointer<Float> {
        appendNext(next, cache: cache) { _ in cross }
        return forward(executor: executor)
    }

    /// `decodeNext` with slot `s` attending to `crossBySlot[s]`.
    package func decodeNext(_ next: [(slot: Int, token: Int)], cache: KeyValueCache, crossBySlot: [CrossAttentionCache],
                            executor: ParallelExecutor) -> UnsafeBufferPointer<Float> {
        precondition(next.allSatisfy { $0.slot < crossBySlot.count }, "a cross-attention cache for every slot")
        appendNext(next, cache: cache) { crossBySlot[$0] }
        return forward(executor: executor)
    }

    private func appendNext(_ next: [(slot: Int, token: Int)], cache: KeyValueCache, cross: (Int) -> CrossAttentionCache) {
        startPass()
        for (row, entry) in next.enumerated() {
            segments.append(Segment(slot: entry.slot, firstRow: row, count: 1, cache: cache, cross: cross(entry.slot)))
            rowTokens.append(entry.token)
            logitSources.append(row)
        }
        passRows.append(PassRows(firstRow: 0, rows: next.count, firstLogit: 0, logits: next.count))
    }

    /// Layers whose cross-attention queries the next pass keeps (word alignment), and what it kept.
    private var captureLayers: Set<Int> = []
    private var capturedQueries: [Int: [Float]] = [:]

    /// Feeds `tokens` to an empty one-slot `cache` (teacher forcing) and returns, for each layer in
    /// `layers`, the cross-attention queries of every row (`[rows][d]`, before the heads are split):
    /// what word alignment needs to recompute the attention weights of its heads. The pass stops
    /// once the last of those layers has its queries: no later layer, no logits.
    func crossAttentionQueries(tokens: [Int], layers: Set<Int>, cache: KeyValueCache, cross: CrossAttentionCache,
                               executor: ParallelExecutor) -> [Int: [Float]] {
        guard let last = layers.max() else { return [:] }
        captureLayers = layers
        defer {
            captureLayers = []
            capturedQueries = [:]
        }
        startPass()
        append([Step(slot: 0, tokens: tokens, logitRows: [])], cache: cache) { _ in cross }
        _ = forward(executor: executor, lastLayer: last)
        return capturedQueries
    }

    /// A run of rows (or of logit rows) multiplied as one product; `together`: consecutive callers'
    /// few-row passes, multiplied by the few-row products whatever their sum.
    private struct RowRun {
        var first: Int
        var count: Int
        var together: Bool
    }

    /// The runs of the next product, reused from call to call.
    private var rowRuns: [RowRun] = []

    /// Fills `rowRuns`: a caller's pass of more than `limit` rows alone, consecutive passes of at
    /// most `limit` rows together. With one caller this is the whole pass, multiplied as `matmul`
    /// chooses.
    private func planRuns(limit: Int, logits: Bool) {
        rowRuns.removeAll(keepingCapacity: true)
        var start = 0, pending = 0
        for pass in passRows {
            let (first, count) = logits ? (pass.firstLogit, pass.logits) : (pass.firstRow, pass.rows)
            if count == 0 { continue }
            if count <= limit {
                if pending == 0 { start = first }
                pending += count
            } else {
                if pending > 0 { rowRuns.append(RowRun(first: start, count: pending, together: true)) }
                pending = 0
                rowRuns.append(RowRun(first: first, count: count, together: false))
            }
        }
        if pending > 0 { rowRuns.append(RowRun(first: start, count: pending, together: true)) }
    }

    /// `out = input · weightᵀ + bias` over the pass's rows (or its logit rows), run by run.
    private func product(_ input: UnsafeMutablePointer<Float>, _ weight: WeightMatrix, _ bias: UnsafePointer<Float>?,
                         into out: UnsafeMutablePointer<Float>, logits: Bool = false, executor: ParallelExecutor) {
        let k = weight.columns, m = weight.rows
        let limit = gemvMaxRows(weight.type)
        planRuns(limit: limit, logits: logits)
        for run in rowRuns {
            let x = input + run.first * k, y = out + run.first * m
            if run.together && run.count > limit {       // up to `limit` rows, matmul takes the few-row products itself
                GEMV.multiply(x, rows: run.count, weight: weight, bias: bias, into: y, executor: executor)
            } else {
                matmul(x, rows: run.count, weight: weight, bias: bias, into: y, executor: executor)
            }
        }
    }

    /// The forward pass over `rowTokens` (slot runs in `segments`), logits for `logitSources`;
    /// with `lastLayer`, only through that layer's cross-attention queries (and no logits).
    private func forward(executor: ParallelExecutor, lastLayer: Int? = nil) -> UnsafeBufferPointer<Float> {
        let h = hyperparameters
        let d = h.nTextState, heads = h.nTextHead, nVocab = h.nVocab
        let totalRows = rowTokens.count
        weightCopies?.fill(executor: executor)                        // normally done by crossAttention
        ensureCapacity(rows: totalRows, logitRows: logitSources.count)
        precondition(segments.allSatisfy { $0.cache.lengths[$0.slot] + $0.count <= h.nTextCtx },
                     "the decoder context holds at most nTextCtx tokens")
        for segment in segments { segment.cache.reserve(positions: segment.cache.lengths[segment.slot] + segment.count) }

        // Embeddings: token row + position row.
        for segment in segments {
            let start = segment.cache.lengths[segment.slot]
            for i in 0..<segment.count {
                let row = segment.firstRow + i
                let out = x.pointer + row * d
                weights.tokenEmbedding.dequantizeRow(rowTokens[row], into: out)
                weights.positionalEmbedding.withUnsafeBufferPointer { p in
                    addInPlace(out, p.baseAddress! + (start + i) * d, count: d)
                }
            }
        }

        for (layer, block) in weights.blocks.enumerated() {
            // Causal self-attention; new keys/values are appended to each slot's cache.
            layerNorm(input: x.pointer, output: normed.pointer, rows: totalRows, width: d,
                      gamma: block.selfAttentionNorm.gamma, beta: block.selfAttentionNorm.beta)
            let sa = block.selfAttention
            planRuns(limit: gemvMaxRows(sa.query.weight.type), logits: false)
            for run in rowRuns {
                let input = normed.pointer + run.first * d, row = run.first * d
                if run.together {
                    // Few rows: one parallel loop for all three projections (short loops cost their hand-out).
                    GEMV.multiply(input, rows: run.count,
                                  .init(weight: sa.query.weight, bias: sa.query.bias, out: q.pointer + row),
                                  .init(weight: sa.key.weight, bias: nil, out: k.pointer + row),
                                  .init(weight: sa.value.weight, bias: sa.value.bias, out: v.pointer + row), executor: executor)
                } else {
                    matmul(input, rows: run.count, weight: sa.query.weight, bias: sa.query.bias, into: q.pointer + row, executor: executor)
                    matmul(input, rows: run.count, weight: sa.key.weight, bias: nil, into: k.pointer + row, executor: executor)
                    matmul(input, rows: run.count, weight: sa.value.weight, bias: sa.value.bias, into: v.pointer + row, executor: executor)
                }
            }
            for segment in segments {
                let n = segment.count, past = segment.cache.lengths[segment.slot], first = segment.firstRow
                let keys = segment.cache.keyRows(layer: layer, slot: segment.slot)
                let values = segment.cache.valueRows(layer: layer, slot: segment.slot)
                (keys + past * d).update(from: k.pointer + first * d, count: n * d)
                (values + past * d).update(from: v.pointer + first * d, count: n * d)
                attention(query: q.pointer + first * d, queryRows: n, key: keys, value: values, keyRows: past + n,
                          width: d, heads: heads, causalOffset: past, output: attended.pointer + first * d, executor: executor,
                          scratch: attentionScratch.pointer)
            }
            product(attended.pointer, sa.out.weight, sa.out.bias, into: projected.pointer, executor: executor)
            addInPlace(x.pointer, projected.pointer, count: totalRows * d)

            // Cross-attention over the audio features: consecutive slots attending to the same window
            // (a window's beams) in one call.
            layerNorm(input: x.pointer, output: normed.pointer, rows: totalRows, width: d,
                      gamma: block.crossAttentionNorm.gamma, beta: block.crossAttentionNorm.beta)
            let ca = block.crossAttention
            product(normed.pointer, ca.query.weight, ca.query.bias, into: q.pointer, executor: executor)
            if captureLayers.contains(layer) {
                capturedQueries[layer] = Array(UnsafeBufferPointer(start: q.pointer, count: totalRows * d))
            }
            if layer == lastLayer {
                for segment in segments { segment.cache.lengths[segment.slot] += segment.count }
                return UnsafeBufferPointer(start: logits.pointer, count: 0)
            }
            var s = 0
            while s < segments.count {
                let cross = segments[s].cross, firstRow = segments[s].firstRow
                var end = s + 1
                while end < segments.count, segments[end].cross === cross { end += 1 }
                let rows = segments[end - 1].firstRow + segments[end - 1].count - firstRow
                attention(query: q.pointer + firstRow * d, queryRows: rows, transposedKeyBlocks: cross.keys(layer: layer),
                          halfPrecisionValues: cross.values(layer: layer), keyRows: cross.rows, width: d, heads: heads,
                          output: attended.pointer + firstRow * d, executor: executor,
                          scratch: cross.rows <= max(h.nAudioCtx, h.nTextCtx) ? attentionScratch.pointer : nil)
                s = end
            }
            product(attended.pointer, ca.out.weight, ca.out.bias, into: projected.pointer, executor: executor)
            addInPlace(x.pointer, projected.pointer, count: totalRows * d)

            // MLP.
            layerNorm(input: x.pointer, output: normed.pointer, rows: totalRows, width: d,
                      gamma: block.mlpNorm.gamma, beta: block.mlpNorm.beta)
            product(normed.pointer, block.mlpUp.weight, block.mlpUp.bias, into: hidden.pointer, executor: executor)
            gelu(hidden.pointer, count: totalRows * 4 * d)
            product(hidden.pointer, block.mlpDown.weight, block.mlpDown.bias, into: projected.pointer, executor: executor)
            addInPlace(x.pointer, projected.pointer, count: totalRows * d)
        }
        for segment in segments { segment.cache.lengths[segment.slot] += segment.count }

        // Final norm and logits, only for the rows the caller wants.
        for (i, row) in logitSources.enumerated() {
            (logitRowsInput.pointer + i * d).update(from: x.pointer + row * d, count: d)
        }
        let outRows = logitSources.count
        layerNorm(input: logitRowsInput.pointer, output: logitRowsInput.pointer, rows: outRows, width: d,
                  gamma: weights.finalNorm.gamma, beta: weights.finalNorm.beta)
        product(logitRowsInput.pointer, weights.tokenEmbedding, nil, into: logits.pointer, logits: true, executor: executor)
        return UnsafeBufferPointer(start: logits.pointer, count: outRows * nVocab)
    }
}
