/// Layer normalization of `rows` independent rows of `width` floats:
/// `y = (x − mean) / √(variance + ε) · gamma + beta`, the variance being the biased one (÷ width),
/// as in PyTorch's `LayerNorm`. `output` may be `input` (in place).
package func layerNorm(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                      gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float = 1e-5,
                      executor: ParallelExecutor = .serial) {
    guard rows > 0, width > 0 else { return }
    let rowsPerPiece = 16
    let pieces = (rows + rowsPerPiece - 1) / rowsPerPiece
    executor.forEach(pieces) { piece in
        for r in (piece * rowsPerPiece)..<Swift.min(rows, (piece + 1) * rowsPerPiece) {
            normalizeRow(input + r * width, output + r * width, width, gamma, beta, epsilon)
        }
    }
}

@inline(__always)
private func normalizeRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ width: Int,
                          _ gamma: UnsafePointer<Float>, _ beta: UnsafePointer<Float>, _ epsilon: Float) {
    let vectorEnd = width - width % 16
    // Two passes (mean, then squared deviations) avoid the cancellation of E[x²] − E[x]².
    var sumVector = SIMD16<Float>()
    var i = 0
    while i < vectorEnd { sumVector += SIMDMemory.load(x + i); i += 16 }
    var sum = SIMDMemory.sum(sumVector)
    while i < width { sum += x[i]; i += 1 }
    let mean = sum / Float(width)

    let meanVector = SIMD16<Float>(repeating: mean)
    var squaresVector = SIMD16<Float>()
    i = 0
    while i < vectorEnd {
        let d = SIMDMemory.load(x + i) - meanVector
        squaresVector = squaresVector.multiplyAdd(d, d)
        i += 16
    }
    var squares = SIMDMemory.sum(squaresVector)
    while i < width { let d = x[i] - mean; squares += d * d; i += 1 }
    let inverseDeviation = 1 / (squares / Float(width) + epsilon).squareRoot()

    let scale = SIMD16<Float>(repeating: inverseDeviation)
    i = 0
    while i < vectorEnd {
        let normalized = (SIMDMemory.load(x + i) - meanVector) * scale
        SIMDMemory.store(SIMDMemory.load(beta + i).multiplyAdd(normalized, SIMDMemory.load(gamma + i)), y + i)
        i += 16
    }
    while i < width { y[i] = beta[i].multiplyAdd((x[i] - mean) * inverseDeviation, gamma[i]); i += 1 }
}
