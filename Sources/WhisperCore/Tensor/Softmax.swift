/// Softmax of one row in place: `x[i] = e^(x[i] − max) / Σ e^(x[j] − max)`.
///
/// Entries of −∞ (masked positions) become exactly 0. A row that is entirely −∞ becomes all zeros
/// (rather than NaN).
public func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
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
    while i + 16 <= count {
        let e = SIMDMath.exp(SIMDMemory.load(x + i) - shift)
        SIMDMemory.store(e, x + i)
        sumVector += e
        i += 16
    }
    var sum = SIMDMemory.sum(sumVector)
    if i < count {
        var tail = SIMD16<Float>(repeating: -.infinity)
        for j in i..<count { tail[j - i] = x[j] }
        let e = SIMDMath.exp(tail - shift)
        for j in i..<count { x[j] = e[j - i]; sum += e[j - i] }
    }
    let scale = SIMD16<Float>(repeating: 1 / sum)
    i = 0
    while i + 16 <= count {
        SIMDMemory.store(SIMDMemory.load(x + i) * scale, x + i)
        i += 16
    }
    while i < count { x[i] *= scale[0]; i += 1 }
}
