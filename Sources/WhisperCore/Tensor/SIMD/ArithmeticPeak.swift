/// A multiply-add loop that touches no memory: the arithmetic rate the kernels could reach at best
/// on this CPU with this build (fused or not, as `multiplyAdd` is), for `bench` to set the
/// encoder's GFLOP/s against.
///
/// Twelve independent chains of `KernelStrip` vectors: enough to cover a multiply-add's latency
/// on two pipes (4 cycles × 2), few enough to stay in registers with AVX2's 16.
package enum ArithmeticPeak {
    /// Floating-point operations (a multiply and an add each) per iteration of `run`.
    package static var flopsPerIteration: Int { 2 * 12 * KernelStrip.scalarCount }

    /// `iterations` rounds of the twelve chains; returns a value that depends on all of them, so
    /// that the compiler keeps the work.
    @inline(never)
    package static func run(iterations: Int, seed: Float) -> Float {
        let a = KernelStrip(repeating: 0.999_999), b = KernelStrip(repeating: seed * 1e-7)
        var c0 = KernelStrip(repeating: seed), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0
        var c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0
        for _ in 0..<iterations {
            c0 = b.multiplyAdd(c0, a); c1 = b.multiplyAdd(c1, a); c2 = b.multiplyAdd(c2, a)
            c3 = b.multiplyAdd(c3, a); c4 = b.multiplyAdd(c4, a); c5 = b.multiplyAdd(c5, a)
            c6 = b.multiplyAdd(c6, a); c7 = b.multiplyAdd(c7, a); c8 = b.multiplyAdd(c8, a)
            c9 = b.multiplyAdd(c9, a); c10 = b.multiplyAdd(c10, a); c11 = b.multiplyAdd(c11, a)
        }
        var total = KernelStrip()
        for c in [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11] { total = total.multiplyAdd(c, KernelStrip(repeating: 1)) }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: KernelStrip.scalarCount) { buffer in
            total.store(to: buffer.baseAddress!)
            return buffer.reduce(0, +)
        }
    }
}
