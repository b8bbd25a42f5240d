/// GELU in its exact form, in place: `x ← x · Φ(x) = ½·x·(1 + erf(x/√2))`, as Whisper's MLP uses it
/// (not the tanh approximation). Pieces of 4096 values go to the threads.
public func gelu(_ x: UnsafeMutablePointer<Float>, count: Int, executor: ParallelExecutor = .serial) {
    let pieceSize = 4096
    let pieces = (count + pieceSize - 1) / pieceSize
    executor.forEach(pieces) { piece in
        let start = piece * pieceSize
        geluSerial(x + start, count: Swift.min(pieceSize, count - start))
    }
}

private func geluSerial(_ x: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 16 <= count {
        SIMDMemory.store(gelu(SIMDMemory.load(x + i)), x + i)
        i += 16
    }
    if i < count {
        var tail = SIMD16<Float>()
        for j in i..<count { tail[j - i] = x[j] }
        let y = gelu(tail)
        for j in i..<count { x[j] = y[j - i] }
    }
}

@inline(__always)
func gelu(_ v: SIMD16<Float>) -> SIMD16<Float> {
    let halfX = v * 0.5
    return halfX * SIMDMath.onePlusErfOfScaled(v)
}
