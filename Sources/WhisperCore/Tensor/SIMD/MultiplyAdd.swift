/// `self + a · b`, the kernels' one arithmetic step, chosen per build.
///
/// Fused (one rounding) where the build targets a CPU that has FMA — every arm64 CPU, and x86-64
/// when the Makefile passes `-target-cpu` (marked by `-D WHISPER_TARGET_CPU`). An x86-64 build for
/// the baseline CPU (a plain `swift build -c release`, or WhisperCore built as a dependency) has no
/// FMA instruction, and a fused multiply-add there is a call to the C library's `fmaf` for every
/// lane — the main part of a 50–70× slowdown; it multiplies, then adds (two roundings) instead.
/// So does WebAssembly, whose SIMD128 has no fused multiply-add.
/// The two give slightly different low bits, so transcripts of the two builds may differ where two
/// tokens are a near tie; each build is deterministic and independent of the thread count.
extension SIMD where Scalar == Float {
    @_transparent
    func multiplyAdd(_ a: Self, _ b: Self) -> Self {
        #if (arch(x86_64) && !WHISPER_TARGET_CPU) || arch(wasm32)
        return self + a * b
        #else
        return addingProduct(a, b)
        #endif
    }
}

extension Float {
    @_transparent
    func multiplyAdd(_ a: Float, _ b: Float) -> Float {
        #if (arch(x86_64) && !WHISPER_TARGET_CPU) || arch(wasm32)
        return self + a * b
        #else
        return addingProduct(a, b)
        #endif
    }
}
