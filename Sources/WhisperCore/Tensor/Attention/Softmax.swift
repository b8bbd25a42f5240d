/// Softmax of one row in place: `x[i] = e^(x[i] − max) / Σ e^(x[j] − max)`.
///
/// Entries of −∞ (masked positions) become exactly 0. A row that is entirely −∞ becomes all zeros
/// (rather than NaN).
package func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
    guard count > 0 else { return }
    var maxVector = SIMD16<Float>(repeating: -.infinity)
    var i = 0
    while i + 16 <= count {
        maxVector = SIMDConversion.maximum(maxVector, SIMDMemory.load(x + i))
        i += 16
    }
    var maximum = SIMDMemory.max(maxVector)
    while i < count { maximum = Swift.max(maximum, x[i]); i += 1 }
    guard maximum > -.infinity else {
        x.update(repeating: 0, count: count)
        return
    }
    let shift = SIMD16<Float>(repeating: maximum)
    var sumVector = SIMD16<Float>()
    i = 0
    while i < count {                                                 // one body (see geluSerial)
        let n = Swift.min(16, count - i)
        let e = SIMDMath.exp(SIMDMemory.load(x + i, count: n, fill: -.infinity) - shift)
        SIMDMemory.store(e, x + i, count: n)
        sumVector += e                                                // padding lanes are e^−∞ = 0
        i += 16
    }
    let sum = SIMDMemory.sum(sumVector)
    let scale = SIMD16<Float>(repeating: 1 / sum)
    i = 0
    while i + 16 <= count {
        SIMDMemory.store(SIMDMemory.load(x + i) * scale, x + i)
        i += 16
    }
    while i < count { x[i] *= scale[0]; i += 1 }
}
