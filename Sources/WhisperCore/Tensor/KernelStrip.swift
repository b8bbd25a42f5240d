/// The vector the register-blocked kernels accumulate in: two vector registers' worth of floats.
///
/// A kernel's block of accumulators must fit the register file next to its operands, and the file
/// differs by CPU: AVX-512 has 32 registers of 16 floats, AVX2 (and SSE) 16 registers of 8 (4).
/// Kernels are written over strips of `KernelStrip.scalarCount` outputs — 32 with AVX-512, 16
/// otherwise — and make as many passes as their tile needs, so the same code keeps its accumulators
/// in registers on either. The Makefile passes `-D AVX512` when the target CPU has it; without the
/// flag (e.g. WhisperCore built as a dependency) the narrow strip is the safe choice.
///
/// The wide strip is two `SIMD16<Float>`, not a `SIMD32<Float>`: the standard library's
/// `SIMD32.addingProduct` compiles to scalar multiply-adds through the stack.
///
/// Each output is the same chain of multiply-adds whatever the strip, so the strip width changes the
/// speed only, never a bit of a result.
struct KernelStrip {
#if AVX512
    static let scalarCount = 32
    var low: SIMD16<Float>, high: SIMD16<Float>

    @inline(__always)
    init(repeating value: Float) {
        low = SIMD16(repeating: value)
        high = low
    }

    /// A strip assembled from 16-float pieces: `piece(i)` gives floats `16i ..< 16i + 16`.
    @inline(__always)
    init(assembling piece: (Int) -> SIMD16<Float>) {
        low = piece(0)
        high = piece(1)
    }

    /// `self + a · b`, one rounding per lane.
    @inline(__always)
    func addingProduct(_ a: KernelStrip, _ b: KernelStrip) -> KernelStrip {
        var r = self
        r.low = low.addingProduct(a.low, b.low)
        r.high = high.addingProduct(a.high, b.high)
        return r
    }

    @inline(__always)
    func store(to p: UnsafeMutablePointer<Float>) {
        SIMDMemory.store(low, p)
        SIMDMemory.store(high, p + 16)
    }
#else
    static let scalarCount = 16
    var low: SIMD16<Float>

    @inline(__always)
    init(repeating value: Float) {
        low = SIMD16(repeating: value)
    }

    /// A strip assembled from 16-float pieces: `piece(i)` gives floats `16i ..< 16i + 16`.
    @inline(__always)
    init(assembling piece: (Int) -> SIMD16<Float>) {
        low = piece(0)
    }

    /// `self + a · b`, one rounding per lane.
    @inline(__always)
    func addingProduct(_ a: KernelStrip, _ b: KernelStrip) -> KernelStrip {
        var r = self
        r.low = low.addingProduct(a.low, b.low)
        return r
    }

    @inline(__always)
    func store(to p: UnsafeMutablePointer<Float>) {
        SIMDMemory.store(low, p)
    }
#endif

    /// All zeros.
    @inline(__always)
    init() { self.init(repeating: 0) }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> KernelStrip {
        KernelStrip { SIMDMemory.load(p + 16 * $0) }
    }
}
