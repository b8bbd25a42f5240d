/// A weight matrix with each row padded by zeros to a multiple of 16 values, for `VADKernels`.
struct PaddedRows: Sendable {
    let rows: Int
    let length: Int
    let stride: Int
    let values: [Float]

    /// `source` holds `rows` rows of `length` values.
    init(_ source: [Float], rows: Int, length: Int) {
        self.rows = rows
        self.length = length
        stride = VADKernels.padded(length)
        var values = [Float](repeating: 0, count: rows * stride)
        for r in 0..<rows {
            for c in 0..<length { values[r * stride + c] = source[r * length + c] }
        }
        self.values = values
    }
}

/// Scratch memory for running the stateless part of the network on one window at a time.
final class VADWorkspace {
    let signal: UnsafeMutablePointer<Float>        // the window with its reflected context
    let columns: UnsafeMutablePointer<Float>       // Fourier frames / im2col columns
    let spectrum: UnsafeMutablePointer<Float>      // real and imaginary parts per bin and frame
    let activationsA: UnsafeMutablePointer<Float>  // encoder activations, [channels][length]
    let activationsB: UnsafeMutablePointer<Float>
    let features: UnsafeMutablePointer<Float>      // the encoder's output for the LSTM
    private let sizes: [Int]

    init(_ h: VADHyperparameters) {
        let frames = h.fourierFrames
        var columns = frames * VADKernels.padded(h.fftSize)
        var activations = h.frequencyBins * frames
        var length = frames
        for (layer, stride) in zip(h.encoderLayers, VADHyperparameters.encoderStrides) {
            let out = (length + 2 * VADHyperparameters.encoderPadding - layer.kernelSize) / stride + 1
            columns = max(columns, out * VADKernels.padded(layer.inputChannels * layer.kernelSize))
            activations = max(activations, layer.outputChannels * max(out, length))
            length = out
        }
        sizes = [h.windowSize + 2 * h.contextSize, columns, h.basisRows * frames, activations, activations,
                 VADKernels.padded(h.lstmInputSize)]
        func allocate(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        signal = allocate(sizes[0])
        self.columns = allocate(sizes[1])
        spectrum = allocate(sizes[2])
        activationsA = allocate(sizes[3])
        activationsB = allocate(sizes[4])
        features = allocate(sizes[5])
    }

    deinit {
        for p in [signal, columns, spectrum, activationsA, activationsB, features] { p.deallocate() }
    }
}

/// Silero voice activity detection: one speech probability per window of 512 samples (32 ms at
/// 16 kHz), computed as whisper.cpp computes it.
///
/// For each window:
/// 1. **Context.** The window is extended by 64 samples at each end by reflection (sample `-j` is
///    sample `j`), as whisper.cpp's graph does — Silero's own wrapper prepends the previous window's
///    last 64 samples instead; whisper.cpp's outputs are our reference, so we follow it.
/// 2. **Short-time Fourier transform** as a convolution with the stored basis: 256-sample frames,
///    128 apart (4 frames), 129 bins; the magnitude `√(re² + im²)` of each.
/// 3. **Encoder**: four 3-tap convolutions (strides 1, 2, 2, 1, zero padding 1) with ReLU,
///    129 → 128 → 64 → 64 → 128 channels, 4 → 4 → 2 → 1 → 1 frames.
/// 4. **LSTM**, one step, its hidden and cell state carried from window to window.
/// 5. ReLU, a 1×1 convolution to one logit, and a sigmoid.
///
/// Convolution inputs are rounded to half precision, as GGML's `im2col` stores them (see
/// `HalfPrecision.rounded`). Steps 1–3 and the LSTM's input projection do not depend on the state, so
/// `probabilities(of:executor:)` runs them for many windows in parallel and only the recurrence in
/// order; the results do not depend on the number of threads.
public final class SileroVAD {
    public let model: SileroVADModel
    private let h: VADHyperparameters

    // Weights, padded for the kernels.
    private let basis: PaddedRows
    private let convolutions: [PaddedRows]
    private let convolutionBiases: [[Float]]
    private let inputWeights: PaddedRows
    private let inputBias: [Float]          // bias_ih + bias_hh
    private let hiddenWeights: PaddedRows
    private let outputWeights: [Float]      // padded to a multiple of 16

    // The recurrent state and per-window scratch for `process`.
    private let hidden: UnsafeMutablePointer<Float>
    private let cell: UnsafeMutablePointer<Float>
    private let outputInput: UnsafeMutablePointer<Float>
    private let gates: UnsafeMutablePointer<Float>
    private let workspace: VADWorkspace

    /// Windows whose state-independent part is computed together by `probabilities(of:executor:)`.
    static let piece = 16
    /// Pieces computed before the recurrence consumes them (bounds memory on long recordings).
    static let piecesPerBatch = 16

    public init(model: SileroVADModel) {
        self.model = model
        h = model.hyperparameters
        basis = PaddedRows(model.fourierBasis, rows: h.basisRows, length: h.fftSize)
        convolutions = model.encoder.map {
            PaddedRows($0.weights, rows: $0.shape.outputChannels, length: $0.shape.inputChannels * $0.shape.kernelSize)
        }
        convolutionBiases = model.encoder.map({ $0.bias })
        inputWeights = PaddedRows(model.lstmInputWeights, rows: h.gateCount, length: h.lstmInputSize)
        inputBias = zip(model.lstmInputBias, model.lstmHiddenBias).map { $0 + $1 }
        hiddenWeights = PaddedRows(model.lstmHiddenWeights, rows: h.gateCount, length: h.lstmHiddenSize)
        let hiddenStride = VADKernels.padded(h.lstmHiddenSize)
        outputWeights = model.outputWeights + [Float](repeating: 0, count: hiddenStride - h.lstmHiddenSize)

        func allocate(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
        hidden = allocate(hiddenStride)
        cell = allocate(h.lstmHiddenSize)
        outputInput = allocate(hiddenStride)
        gates = allocate(h.gateCount)
        workspace = VADWorkspace(h)
    }

    deinit {
        for p in [hidden, cell, outputInput, gates] { p.deallocate() }
    }

    /// Samples per window (512).
    public var windowSize: Int { h.windowSize }

    /// Forgets the LSTM state: the next window is treated as the start of a recording.
    public func reset() {
        hidden.update(repeating: 0, count: VADKernels.padded(h.lstmHiddenSize))
        cell.update(repeating: 0, count: h.lstmHiddenSize)
    }

    /// The speech probability of the next window of a stream, advancing the LSTM state. A window
    /// shorter than `windowSize` (the end of a recording) is padded with zeros; longer input is
    /// cut to `windowSize` samples.
    public func process(window: UnsafeBufferPointer<Float>) -> Float {
        inputGates(window: window, workspace: workspace, into: gates)
        return step(inputGates: gates)
    }

    /// The speech probability of every `windowSize`-sample window of `samples` (the last one padded
    /// with zeros), starting from a fresh state: `⌈samples.count / windowSize⌉` values.
    ///
    /// Batches of windows in turn: while one thread runs a batch's recurrence, in order, the others
    /// compute the next batch's input gates, piece by piece (two gate buffers, used alternately).
    public func probabilities(of samples: [Float], executor: ParallelExecutor = .serial) -> [Float] {
        reset()
        let w = h.windowSize
        let windowCount = (samples.count + w - 1) / w
        var probabilities = [Float](repeating: 0, count: windowCount)
        let batch = Self.piece * Self.piecesPerBatch
        let batches = (windowCount + batch - 1) / batch
        let gateCount = h.gateCount
        let gateBuffers = UnsafeMutablePointer<Float>.allocate(capacity: 2 * batch * gateCount)
        defer { gateBuffers.deallocate() }
        let workspaces = (0..<Self.piecesPerBatch).map { _ in VADWorkspace(h) }
        func windows(in b: Int) -> Range<Int> { (b * batch)..<min(windowCount, (b + 1) * batch) }
        func pieces(in b: Int) -> Int { b < batches ? (windows(in: b).count + Self.piece - 1) / Self.piece : 0 }
        func gates(of b: Int) -> UnsafeMutablePointer<Float> { gateBuffers + (b % 2) * batch * gateCount }

        samples.withUnsafeBufferPointer { audio in
            probabilities.withUnsafeMutableBufferPointer { out in
                /// The state-independent part of piece `p` of batch `b` (each piece has its own workspace).
                func computeGates(batch b: Int, piece p: Int) {
                    let range = windows(in: b)
                    for j in (p * Self.piece)..<min(range.count, (p + 1) * Self.piece) {
                        let start = (range.lowerBound + j) * w
                        let window = UnsafeBufferPointer(rebasing: audio[start..<min(start + w, audio.count)])
                        self.inputGates(window: window, workspace: workspaces[p], into: gates(of: b) + j * gateCount)
                    }
                }
                executor.forEach(pieces(in: 0)) { p in computeGates(batch: 0, piece: p) }
                for b in 0..<batches {
                    // Piece 0 is batch b's recurrence (claimed first); the rest are batch b + 1's pieces.
                    executor.forEach(1 + pieces(in: b + 1)) { i in
                        if i == 0 {
                            let range = windows(in: b)
                            for j in range.indices { out[j] = self.step(inputGates: gates(of: b) + (j - range.lowerBound) * gateCount) }
                        } else {
                            computeGates(batch: b + 1, piece: i - 1)
                        }
                    }
                }
            }
        }
        return probabilities
    }

    /// Steps 1–3 and the LSTM's input projection (with both biases) for one window.
    func inputGates(window: UnsafeBufferPointer<Float>, workspace ws: VADWorkspace,
                    into gates: UnsafeMutablePointer<Float>) {
        let w = h.windowSize, context = h.contextSize
        let n = min(window.count, w)

        // 1. The window with reflected context, in half precision.
        let signal = ws.signal
        for i in 0..<n { signal[context + i] = HalfPrecision.rounded(window[i]) }
        for i in n..<w { signal[context + i] = 0 }
        for j in stride(from: 1, through: context, by: 1) {
            signal[context - j] = signal[context + j]
            signal[context + w - 1 + j] = signal[context + w - 1 - j]
        }

        // 2. Fourier magnitudes, [bins][frames].
        let frames = h.fourierFrames, bins = h.frequencyBins
        for t in 0..<frames {
            let column = ws.columns + t * basis.stride
            column.update(from: signal + t * h.hopLength, count: h.fftSize)
            (column + h.fftSize).update(repeating: 0, count: basis.stride - h.fftSize)
        }
        basis.values.withUnsafeBufferPointer { b in
            VADKernels.multiply(rows: basis.rows, weights: b.baseAddress!, vectors: ws.columns, count: frames,
                                length: basis.stride, into: ws.spectrum)
        }
        var input = ws.activationsA, output = ws.activationsB
        for i in 0..<(bins * frames) {
            let re = ws.spectrum[i], im = ws.spectrum[bins * frames + i]
            input[i] = (re * re + im * im).squareRoot()
        }

        // 3. The encoder convolutions with ReLU, [channels][length] in and out.
        var length = frames
        for (l, layer) in model.encoder.enumerated() {
            let weights = convolutions[l]
            let stride = VADHyperparameters.encoderStrides[l]
            let padding = VADHyperparameters.encoderPadding
            let kernel = layer.shape.kernelSize, channels = layer.shape.inputChannels
            let outLength = (length + 2 * padding - kernel) / stride + 1
            // im2col: one column of channels × taps per output position, in half precision.
            for t in 0..<outLength {
                let column = ws.columns + t * weights.stride
                for c in 0..<channels {
                    for k in 0..<kernel {
                        let position = t * stride + k - padding
                        column[c * kernel + k] = (0..<length).contains(position)
                            ? HalfPrecision.rounded(input[c * length + position]) : 0
                    }
                }
                (column + weights.length).update(repeating: 0, count: weights.stride - weights.length)
            }
            weights.values.withUnsafeBufferPointer { wp in
                VADKernels.multiply(rows: weights.rows, weights: wp.baseAddress!, vectors: ws.columns, count: outLength,
                                    length: weights.stride, into: output)
            }
            let bias = convolutionBiases[l]
            for o in 0..<weights.rows {
                for t in 0..<outLength {
                    output[o * outLength + t] = max(0, output[o * outLength + t] + bias[o])
                }
            }
            swap(&input, &output)
            length = outLength
        }

        // The first frame of the encoder's output feeds the LSTM.
        for c in 0..<h.lstmInputSize { ws.features[c] = input[c * length] }
        inputWeights.values.withUnsafeBufferPointer { wp in
            VADKernels.multiply(rows: inputWeights.rows, weights: wp.baseAddress!, vectors: ws.features, count: 1,
                                length: inputWeights.stride, into: gates)
        }
        for g in 0..<h.gateCount { gates[g] += inputBias[g] }
    }

    /// Steps 4–5: one LSTM step from the input gates, then the output layer.
    func step(inputGates: UnsafeMutablePointer<Float>) -> Float {
        let size = h.lstmHiddenSize
        let stride = hiddenWeights.stride
        hiddenWeights.values.withUnsafeBufferPointer { wp in
            for g in 0..<h.gateCount {
                inputGates[g] += VADKernels.dot(wp.baseAddress! + g * stride, hidden, stride)
            }
        }
        for k in 0..<size {
            let input = VADKernels.sigmoid(inputGates[k])
            let forget = VADKernels.sigmoid(inputGates[size + k])
            let candidate = ScalarMath.tanh(inputGates[2 * size + k])
            let output = VADKernels.sigmoid(inputGates[3 * size + k])
            cell[k] = forget * cell[k] + input * candidate
            hidden[k] = output * ScalarMath.tanh(cell[k])
            outputInput[k] = HalfPrecision.rounded(max(0, hidden[k]))
        }
        let logit = outputWeights.withUnsafeBufferPointer { VADKernels.dot($0.baseAddress!, outputInput, stride) }
        return VADKernels.sigmoid(logit + model.outputBias)
    }
}
