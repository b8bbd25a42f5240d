// TEMPORARY naive kernels with the agreed signatures, replaced by the tensor branch. NOT COMMITTED.
import Foundation

@inline(__always) func tmpWeight(_ w: WeightMatrix, _ r: Int, _ c: Int) -> Float {
    switch w.type {
    case .f32: return Float(bitPattern: UInt32(littleEndian: w.row(r).loadUnaligned(fromByteOffset: c * 4, as: UInt32.self)))
    case .f16: return Float(halfBits: UInt16(littleEndian: w.row(r).loadUnaligned(fromByteOffset: c * 2, as: UInt16.self)))
    default: fatalError("temp kernels: f32/f16 only")
    }
}

public func matmul(_ x: UnsafePointer<Float>, rows n: Int, weight: WeightMatrix, bias: UnsafePointer<Float>?,
                   into out: UnsafeMutablePointer<Float>, executor: ParallelExecutor) {
    let k = weight.columns, m = weight.rows
    executor.forEach(m) { j in
        var w = [Float](repeating: 0, count: k)
        for c in 0..<k { w[c] = tmpWeight(weight, j, c) }
        for i in 0..<n {
            var s: Float = 0
            for c in 0..<k { s += x[i * k + c] * w[c] }
            out[i * m + j] = s + (bias?[j] ?? 0)
        }
    }
}

public func layerNorm(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                      gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float = 1e-5) {
    for r in 0..<rows {
        var mean: Float = 0
        for i in 0..<width { mean += input[r * width + i] }
        mean /= Float(width)
        var v: Float = 0
        for i in 0..<width { let d = input[r * width + i] - mean; v += d * d }
        v /= Float(width)
        let inv = 1 / (v + epsilon).squareRoot()
        for i in 0..<width { output[r * width + i] = (input[r * width + i] - mean) * inv * gamma[i] + beta[i] }
    }
}

public func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { x[i] = 0.5 * x[i] * (1 + erf(x[i] / 2.0.squareRoot().float)) }
}
extension Double { var float: Float { Float(self) } }

public func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
    var mx = -Float.infinity
    for i in 0..<count { mx = max(mx, x[i]) }
    var s: Float = 0
    for i in 0..<count { x[i] = exp(x[i] - mx); s += x[i] }
    for i in 0..<count { x[i] /= s }
}

public func conv1d(input: UnsafePointer<Float>, length t: Int, inputChannels cIn: Int, weight: WeightMatrix,
                   bias: UnsafePointer<Float>, stride: Int, output: UnsafeMutablePointer<Float>, executor: ParallelExecutor) {
    let cOut = weight.rows
    let tOut = (t + 2 - 3) / stride + 1
    executor.forEach(cOut) { o in
        for to in 0..<tOut {
            var s: Float = bias[o]
            for ci in 0..<cIn {
                for k in 0..<3 {
                    let ti = to * stride + k - 1
                    if ti < 0 || ti >= t { continue }
                    s += input[ti * cIn + ci] * tmpWeight(weight, o, ci * 3 + k)
                }
            }
            output[to * cOut + o] = s
        }
    }
}

public func attention(query: UnsafePointer<Float>, queryRows tq: Int, key: UnsafePointer<Float>,
                      value: UnsafePointer<Float>, keyRows tk: Int, width d: Int, heads: Int,
                      causalOffset: Int?, output: UnsafeMutablePointer<Float>, executor: ParallelExecutor) {
    let dh = d / heads
    let scale = 1 / Float(dh).squareRoot()
    executor.forEach(heads * tq) { job in
        let h = job / tq, i = job % tq
        let visible = causalOffset.map { min(tk, $0 + i + 1) } ?? tk
        var w = [Float](repeating: 0, count: visible)
        for j in 0..<visible {
            var s: Float = 0
            for c in 0..<dh { s += query[i * d + h * dh + c] * key[j * d + h * dh + c] }
            w[j] = s * scale
        }
        w.withUnsafeMutableBufferPointer { softmax($0.baseAddress!, count: visible) }
        for c in 0..<dh {
            var s: Float = 0
            for j in 0..<visible { s += w[j] * value[j * d + h * dh + c] }
            output[i * d + h * dh + c] = s
        }
    }
}
public func dequantizeRow(_ w: WeightMatrix, row: Int, into out: UnsafeMutablePointer<Float>) {
    for c in 0..<w.columns { out[c] = tmpWeight(w, row, c) }
}
