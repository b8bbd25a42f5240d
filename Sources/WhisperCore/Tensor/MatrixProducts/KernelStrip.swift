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
    static var parts: Int { 2 }
    private var low: SIMD16<Float>, high: SIMD16<Float>

    /// A strip assembled from 16-float pieces: `piece(i)` gives floats `16i ..< 16i + 16`.
    @inline(__always)
    init(assembling piece: (Int) -> SIMD16<Float>) {
        low = piece(0)
        high = piece(1)
    }

    @inline(__always)
    private func part(_ i: Int) -> SIMD16<Float> { i == 0 ? low : high }
#else
    static var parts: Int { 1 }
    private var low: SIMD16<Float>

    /// A strip assembled from 16-float pieces: `piece(i)` gives floats `16i ..< 16i + 16`.
    @inline(__always)
    init(assembling piece: (Int) -> SIMD16<Float>) {
        low = piece(0)
    }

    @inline(__always)
    private func part(_ i: Int) -> SIMD16<Float> { low }
#endif

    static var scalarCount: Int { 16 * parts }

    @inline(__always)
    init(repeating value: Float) { self.init { _ in SIMD16(repeating: value) } }

    /// All zeros.
    @inline(__always)
    init() { self.init(repeating: 0) }

    /// `self + a · b` (see `multiplyAdd`: fused where the build has FMA).
    @inline(__always)
    func multiplyAdd(_ a: KernelStrip, _ b: KernelStrip) -> KernelStrip {
        KernelStrip { part($0).multiplyAdd(a.part($0), b.part($0)) }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> KernelStrip {
        KernelStrip { SIMDMemory.load(p + 16 * $0) }
    }

    @inline(__always)
    func store(to p: UnsafeMutablePointer<Float>) {
        for i in 0..<Self.parts { SIMDMemory.store(part(i), p + 16 * i) }
    }
}
