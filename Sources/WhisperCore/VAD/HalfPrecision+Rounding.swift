extension HalfPrecision {
    /// `x` rounded to the nearest half-precision value (ties to even), as a Float.
    ///
    /// whisper.cpp runs every convolution of the VAD network through GGML's `im2col`, which stores the
    /// input in f16 before multiplying it with the (f16) kernel. Rounding the inputs the same way keeps
    /// our probabilities within about 2e-4 of whisper.cpp's; without it they drift by 1e-2.
    @inline(__always)
    static func rounded(_ x: Float) -> Float {
        #if !(arch(x86_64) && (os(macOS) || !WHISPER_TARGET_CPU)) && !arch(wasm32)
        return Float(Float16(x))
        #else
        return float(fromBits: bits(from: x))
        #endif
    }
}
