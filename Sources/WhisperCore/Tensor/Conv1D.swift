/// Frames produced by `conv1d` (kernel 3, padding 1) from `frames` input frames.
package func conv1dOutputFrames(frames: Int, stride: Int) -> Int {
    frames > 0 ? (frames - 1) / stride + 1 : 0
}

/// A kernel-3 convolution's weights (`cOut` rows by `3·cIn` columns, column `c·3 + k`: whisper.cpp's
/// tensor of shape [3, cIn, cOut], any storage type) packed for `conv1d` with their columns reordered
/// to `k·cIn + c`, so that the 3·cIn inputs of output frame `t` are the contiguous rows
/// `stride·t − 1 ... stride·t + 1` of a zero-padded input and the GEMM reads them in place (no
/// im2col matrix). Packed when first used and kept until `releasePages` (the encoder gives its
/// pages back between windows of a sequential transcription, and keeps them across a batch).
package final class ConvolutionWeights: @unchecked Sendable {
    package let inputChannels: Int
    package let outputChannels: Int
    private let weight: WeightMatrix
    private let storage: FloatBuffer
    private let packed: PackedWeightPanels
    private var isPacked = false

    package init(_ weight: WeightMatrix, inputChannels cIn: Int) throws(AllocationError) {
        precondition(weight.columns == 3 * cIn, "conv1d weight must have 3·inputChannels columns")
        self.weight = weight
        inputChannels = cIn
        outputChannels = weight.rows
        let depth = 3 * cIn, count = (weight.rows + PackedWeightPanels.width - 1) / PackedWeightPanels.width
        storage = try FloatBuffer(count: PackedWeightPanels.floats(depth: depth, panels: count),
                                  purpose: "a convolution's weights (\(weight.rows) × \(depth))", zeroed: false)
        packed = PackedWeightPanels(base: storage.pointer, depth: depth, count: count)
    }

    /// The packed panels, packed now if they are not.
    func panels(executor: ParallelExecutor) -> PackedWeightPanels {
        if !isPacked {
            pack(executor: executor)
            isPacked = true
        }
        return packed
    }

    /// Gives the packed panels' pages back to the system; the next use packs them again.
    package func releasePages() {
        storage.releasePages()
        isPacked = false
    }

    private func pack(executor: ParallelExecutor) {
        let width = PackedWeightPanels.width, cIn = inputChannels
        executor.forEach(packed.count, workspaceFloats: packed.depth) { j, row in
            let panel = packed.panel(j)
            panel.update(repeating: 0, count: packed.depth * width)
            for r in 0..<Swift.min(width, outputChannels - j * width) {
                weight.dequantizeRow(j * width + r, into: row)
                for c in 0..<cIn {
                    for k in 0..<3 { panel[(k * cIn + c) * width + r] = row[c * 3 + k] }
                }
            }
        }
    }
}

/// One-dimensional convolution with kernel 3 and padding 1, Whisper's encoder stem:
/// `out[t][o] = bias[o] + Σ_{c,k} W[o][c·3 + k] · in[stride·t + k − 1][c]` (zero outside the input).
///
/// - `padded`: `frames + 2` time-major rows of `weights.inputChannels` floats: a row of zeros, the
///   `frames` input rows, a row of zeros.
/// - `output`: `conv1dOutputFrames(frames:stride:)` time-major rows of `weights.outputChannels` floats.
package func conv1d(padded: UnsafePointer<Float>, frames: Int, weights: ConvolutionWeights,
                    bias: UnsafePointer<Float>?, stride: Int, output: UnsafeMutablePointer<Float>,
                    executor: ParallelExecutor) {
    precondition(stride >= 1, "conv1d stride must be positive")
    let outFrames = conv1dOutputFrames(frames: frames, stride: stride)
    guard outFrames > 0, weights.outputChannels > 0 else { return }
    GEMM.multiply(padded, lda: stride * weights.inputChannels, rows: outFrames, packed: weights.panels(executor: executor),
                  columns: weights.outputChannels, bias: bias, into: output, ldo: weights.outputChannels, executor: executor)
}

/// `conv1d` of an unpadded input (`frames` time-major rows of `inputChannels` floats) with the
/// weights as stored: padded and packed for this call.
package func conv1d(input: UnsafePointer<Float>, frames: Int, inputChannels: Int, weight: WeightMatrix,
                   bias: UnsafePointer<Float>?, stride: Int, output: UnsafeMutablePointer<Float>,
                   executor: ParallelExecutor) throws(AllocationError) {
    let weights = try ConvolutionWeights(weight, inputChannels: inputChannels)
    let cIn = inputChannels
    let padded = UnsafeMutablePointer<Float>.allocate(capacity: (frames + 2) * cIn)
    defer { padded.deallocate() }
    padded.initialize(repeating: 0, count: cIn)
    (padded + cIn).initialize(from: input, count: frames * cIn)
    (padded + (frames + 1) * cIn).initialize(repeating: 0, count: cIn)
    conv1d(padded: padded, frames: frames, weights: weights, bias: bias, stride: stride, output: output, executor: executor)
}
