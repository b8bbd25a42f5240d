import WhisperCore

/// How this copy of WhisperCore was compiled, for `--version` and for the warning a slow build gives.
public enum BuildInfo {
    public static let version = "0.7.0"

    /// Whether it was compiled for a specific CPU: the Makefile passes `-target-cpu` and marks it
    /// with `-D WHISPER_TARGET_CPU`. On x86-64 a build without it has no FMA and no F16C: every
    /// multiply-add and half-float conversion is a library call.
    public static var isTunedForCPU: Bool {
        #if WHISPER_TARGET_CPU
        return true
        #else
        return false
        #endif
    }

    /// Whether the kernels use AVX-512's 32 vector registers (`-D AVX512`, see `KernelStrip`).
    public static var usesAVX512Registers: Bool {
        #if AVX512
        return true
        #else
        return false
        #endif
    }

    public static var summary: String {
        #if arch(x86_64)
        let cpu = isTunedForCPU
            ? "tuned for its target CPU (-target-cpu)" + (usesAVX512Registers ? ", AVX-512 register blocks" : "")
            : "for the generic x86-64 CPU (no FMA, no F16C: slow; build with `make`)"
        #else
        let cpu = isTunedForCPU ? "tuned for its target CPU" : "for the generic CPU of its architecture"
        #endif
        return "WhisperCore \(version), built \(cpu)"
    }
}
