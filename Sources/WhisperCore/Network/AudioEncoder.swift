/// Whisper's audio encoder: two convolutions with GELU (the second halves the frame rate), the
/// sinusoidal positional embedding, pre-norm transformer blocks and a final layer norm.
///
/// One call encodes one 30-second window of log-mel frames into `nAudioCtx` feature rows of width
/// `d`. The whole forward pass is in `encode`; the arithmetic lives in the Tensor kernels.
public final class AudioEncoder: @unchecked Sendable {
    package let weights: EncoderWeights
    public let hyperparameters: ModelHyperparameters

    /// Mel frames in one window (30 s at 100 frames per second).
    public static let windowFrames = WhisperAudio.framesPerWindow

    /// The two convolutions' weights, packed for the GEMM.
    private let conv1: ConvolutionWeights, conv2: ConvolutionWeights

    // Activations, allocated once. Buffers are shared where lifetimes do not overlap (peak memory):
    // `hidden` also holds the first convolution's output, `normed` the attention output, and `q`
    // each sub-layer's projection before it is added to the residual stream. The convolutions'
    // inputs have a row of zeros before and after (their padding), read in place.
    private let melByTime: FloatBuffer      // [1 + 3000 + 1][nMels]
    private let x: FloatBuffer              // [ctx][d] — the residual stream
    private let normed: FloatBuffer         // [ctx][d]
    private let q: FloatBuffer, k: FloatBuffer, v: FloatBuffer
    private let hidden: FloatBuffer         // [ctx][4d], or [1 + 3000 + 1][d] after conv1

    /// Throws `AllocationError` with the bytes needed when the activations cannot fit in memory.
    package init(weights: EncoderWeights, hyperparameters h: ModelHyperparameters) throws(AllocationError) {
        self.weights = weights
        self.hyperparameters = h
        let d = h.nAudioState, ctx = h.nAudioCtx
        let purpose = "the audio encoder's activations (\(ctx) positions × \(d) values)"
        conv1 = try ConvolutionWeights(weights.conv1.weight, inputChannels: h.nMels)
        conv2 = try ConvolutionWeights(weights.conv2.weight, inputChannels: d)
        melByTime = try FloatBuffer(count: (Self.windowFrames + 2) * h.nMels, purpose: purpose)
        x = try FloatBuffer(count: Self.windowFrames / 2 * d, purpose: purpose)
        normed = try FloatBuffer(count: ctx * d, purpose: purpose)
        q = try FloatBuffer(count: ctx * d, purpose: purpose)
        k = try FloatBuffer(count: ctx * d, purpose: purpose)
        v = try FloatBuffer(count: ctx * d, purpose: purpose)
        hidden = try FloatBuffer(count: max(ctx * 4 * d, (Self.windowFrames + 2) * d), purpose: purpose)
    }

    /// Encodes one window. `mel` is `[nMels][3000]` row-major (as `LogMelSpectrogram` lays it out);
    /// the result is `[nAudioCtx][d]` row-major. With `releasingPages` (the default), the
    /// activations' and weights' pages go back to the system afterwards (see below); windows
    /// encoded one after the other keep them until the last.
    public func encode(mel: UnsafePointer<Float>, executor: ParallelExecutor, releasingPages: Bool = true) -> [Float] {
        let h = hyperparameters
        let d = h.nAudioState, ctx = h.nAudioCtx, nMels = h.nMels
        let frames = Self.windowFrames

        // The convolutions read time-major input, between rows of zeros.
        melByTime.pointer.update(repeating: 0, count: nMels)
        (melByTime.pointer + (frames + 1) * nMels).update(repeating: 0, count: nMels)
        let melRows = melByTime.pointer + nMels
        for m in 0..<nMels {
            for t in 0..<frames { melRows[t * nMels + m] = mel[m * frames + t] }
        }
        hidden.pointer.update(repeating: 0, count: d)
        (hidden.pointer + (frames + 1) * d).update(repeating: 0, count: d)
        conv1d(padded: melByTime.pointer, frames: frames, weights: conv1, bias: weights.conv1.bias!, stride: 1,
               output: hidden.pointer + d, executor: executor)
        gelu(hidden.pointer + d, count: frames * d, executor: executor)
        conv1d(padded: hidden.pointer, frames: frames, weights: conv2, bias: weights.conv2.bias!, stride: 2,
               output: x.pointer, executor: executor)
        gelu(x.pointer, count: frames / 2 * d, executor: executor)
        // Only the first nAudioCtx frames go on (all 1500 for the published models).
        addInPlace(x.pointer, weights.positionalEmbedding, count: ctx * d)

        for block in weights.blocks {
            // Self-attention over all frames.
            layerNorm(input: x.pointer, output: normed.pointer, rows: ctx, width: d,
                      gamma: block.attentionNorm.gamma, beta: block.attentionNorm.beta, executor: executor)
            let a = block.attention
            matmul(normed.pointer, rows: ctx, weight: a.query.weight, bias: a.query.bias, into: q.pointer, executor: executor)
            matmul(normed.pointer, rows: ctx, weight: a.key.weight, bias: nil, into: k.pointer, executor: executor)
            matmul(normed.pointer, rows: ctx, weight: a.value.weight, bias: a.value.bias, into: v.pointer, executor: executor)
            attention(query: q.pointer, queryRows: ctx, key: k.pointer, value: v.pointer, keyRows: ctx, width: d,
                      heads: h.nAudioHead, causalOffset: nil, output: normed.pointer, executor: executor)
            matmul(normed.pointer, rows: ctx, weight: a.out.weight, bias: a.out.bias, into: q.pointer, executor: executor)
            addInPlace(x.pointer, q.pointer, count: ctx * d)

            // MLP: d → 4d → GELU → d.
            layerNorm(input: x.pointer, output: normed.pointer, rows: ctx, width: d,
                      gamma: block.mlpNorm.gamma, beta: block.mlpNorm.beta, executor: executor)
            matmul(normed.pointer, rows: ctx, weight: block.mlpUp.weight, bias: block.mlpUp.bias, into: hidden.pointer, executor: executor)
            gelu(hidden.pointer, count: ctx * 4 * d, executor: executor)
            matmul(hidden.pointer, rows: ctx, weight: block.mlpDown.weight, bias: block.mlpDown.bias, into: q.pointer, executor: executor)
            addInPlace(x.pointer, q.pointer, count: ctx * d)
        }

        let features = [Float](unsafeUninitializedCapacity: ctx * d) { out, count in
            layerNorm(input: x.pointer, output: out.baseAddress!, rows: ctx, width: d,
                      gamma: weights.finalNorm.gamma, beta: weights.finalNorm.beta, executor: executor)
            count = ctx * d
        }
        // The activations are dead until the next window, and the weights unused until then: their
        // pages (22 MB and 15 MB for tiny f16) go back to the system while the decoder runs, which
        // is when the rest of the model is resident. The weights return from the file cache.
        if releasingPages {
            for buffer in [melByTime, x, normed, q, k, v, hidden] { buffer.releasePages() }
            conv1.releasePages()
            conv2.releasePages()
            weights.releasePages()
        }
        return features
    }
}
