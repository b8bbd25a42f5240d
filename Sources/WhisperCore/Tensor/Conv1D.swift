/// Frames produced by `conv1d` (kernel 3, padding 1) from `frames` input frames.
package func conv1dOutputFrames(frames: Int, stride: Int) -> Int {
    frames > 0 ? (frames - 1) / stride + 1 : 0
}

/// One-dimensional convolution with kernel 3 and padding 1, Whisper's encoder stem:
/// `out[t][o] = bias[o] + Σ_{c,k} W[o][c·3 + k] · in[stride·t + k − 1][c]` (zero outside the input).
///
/// - `input`: `frames` time-major rows of `inputChannels` floats.
/// - `weight`: `rows` = output channels, `columns` = 3·`inputChannels` with column `c·3 + k`
///   (whisper.cpp's tensor of shape [3, cIn, cOut]), any storage type.
/// - `output`: `conv1dOutputFrames(frames:stride:)` time-major rows of `weight.rows` floats.
///
/// No im2col matrix: the weights are packed with their columns reordered to `k·cIn + c`, so the
/// 3·cIn inputs of output frame `t` are the contiguous rows `stride·t − 1 ... stride·t + 1` of a
/// zero-padded copy of the input, and the GEMM reads them in place (row stride `stride·cIn`).
package func conv1d(input: UnsafePointer<Float>, frames: Int, inputChannels: Int, weight: WeightMatrix,
                   bias: UnsafePointer<Float>?, stride: Int, output: UnsafeMutablePointer<Float>,
                   executor: ParallelExecutor) {
    precondition(weight.columns == 3 * inputChannels, "conv1d weight must have 3·inputChannels columns")
    precondition(stride >= 1, "conv1d stride must be positive")
    let outFrames = conv1dOutputFrames(frames: frames, stride: stride)
    let cIn = inputChannels
    let cOut = weight.rows
    guard outFrames > 0, cOut > 0 else { return }

    let padded = UnsafeMutablePointer<Float>.allocate(capacity: (frames + 2) * cIn)
    defer { padded.deallocate() }
    padded.initialize(repeating: 0, count: cIn)
    (padded + cIn).initialize(from: input, count: frames * cIn)
    (padded + (frames + 1) * cIn).initialize(repeating: 0, count: cIn)

    let depth = 3 * cIn
    let width = PackedWeightPanels.width
    let panelCount = (cOut + width - 1) / width
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: PackedWeightPanels.floats(depth: depth, panels: panelCount))
    defer { buffer.deallocate() }
    let packed = PackedWeightPanels(base: buffer, depth: depth, count: panelCount)
    executor.forEach(panelCount, workspaceFloats: depth) { j, row in
        let panel = packed.panel(j)
        panel.update(repeating: 0, count: depth * width)
        for r in 0..<Swift.min(width, cOut - j * width) {
            weight.dequantizeRow(j * width + r, into: row)
            for c in 0..<cIn {
                for k in 0..<3 { panel[(k * cIn + c) * width + r] = row[c * 3 + k] }
            }
        }
    }
    GEMM.multiply(UnsafePointer(padded), lda: stride * cIn, rows: outFrames, packed: packed, columns: cOut,
                  bias: bias, into: output, ldo: cOut, executor: executor)
}
