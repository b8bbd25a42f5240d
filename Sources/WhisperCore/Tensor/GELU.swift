/// GELU in its exact form, in place: `x ← x · Φ(x) = ½·x·(1 + erf(x/√2))`, as Whisper's MLP uses it
/// (not the tanh approximation). Pieces of 4096 values go to the threads.
package func gelu(_ x: UnsafeMutablePointer<Float>, count: Int, executor: ParallelExecutor = .serial) {
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
    if i < count { geluTail(x + i, count: count - i) }
}

/// The last 1...15 values, through a 16-lane buffer (kept apart so the main loop stays small).
@inline(never)
private func geluTail(_ x: UnsafeMutablePointer<Float>, count: Int) {
    SIMDMemory.store(gelu(SIMDMemory.load(x, count: count, fill: 0)), x, count: count)
}

@inline(__always)
func gelu(_ v: SIMD16<Float>) -> SIMD16<Float> {
    let halfX = v * 0.5
    return halfX * SIMDMath.onePlusErfOfScaled(v)
}
