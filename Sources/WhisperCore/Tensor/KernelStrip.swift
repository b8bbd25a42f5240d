/// The vector the register-blocked kernels accumulate in: two vector registers' worth of floats.
///
/// A kernel's block of accumulators must fit the register file next to its operands, and the file
/// differs by CPU: AVX-512 has 32 registers of 16 floats, AVX2 (and SSE) 16 registers of 8 (4).
/// Kernels are written over strips of `KernelStrip.scalarCount` outputs — 32 with AVX-512, 16
/// otherwise — and make as many passes as their tile needs, so the same code keeps its accumulators
/// in registers on either. The Makefile passes `-D AVX512` when the target CPU has it; without the
/// flag (e.g. WhisperCore built as a dependency) the narrow strip is the safe choice.
///
/// Each output is the same chain of multiply-adds whatever the strip, so the strip width changes the
/// speed only, never a bit of a result.
#if AVX512
typealias KernelStrip = SIMD32<Float>
#else
typealias KernelStrip = SIMD16<Float>
#endif

extension KernelStrip {
    /// A strip assembled from 16-float pieces: `piece(i)` gives floats `16i ..< 16i + 16`.
    @inline(__always)
    static func assembled(_ piece: (Int) -> SIMD16<Float>) -> KernelStrip {
#if AVX512
        KernelStrip(lowHalf: piece(0), highHalf: piece(1))
#else
        piece(0)
#endif
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> KernelStrip {
        UnsafeRawPointer(p).loadUnaligned(as: KernelStrip.self)
    }

    @inline(__always)
    func store(to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: KernelStrip.self)
    }
}
