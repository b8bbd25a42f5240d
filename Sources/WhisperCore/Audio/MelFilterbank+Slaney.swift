/// Whisper's mel filterbank, computed: the triangular filters librosa makes with
/// `librosa.filters.mel(sr=16000, n_fft=400, n_mels=N)` (Slaney's mel scale and area
/// normalization), which is how OpenAI made the `mel_filters.npz` shipped with Whisper and copied
/// into every GGML file. Used when a model is converted from a format that carries no filterbank.
extension MelFilterbank {
    public static let sampleRate = Double(WhisperAudio.sampleRate)
    public static let fftSize = WhisperAudio.fftSize
    /// Frequency bins of one frame: n_fft / 2 + 1.
    public static let binCount = fftSize / 2 + 1

    /// Slaney's mel scale: linear below 1 kHz (3 mels per 200 Hz), logarithmic above.
    static let linearStep = 200.0 / 3
    static let logStart = 1000.0
    static var logStartMel: Double { logStart / linearStep }
    static var logStep: Double { ScalarMath.log(6.4) / 27 }

    static func mel(hertz f: Double) -> Double {
        f < logStart ? f / linearStep : logStartMel + ScalarMath.log(f / logStart) / logStep
    }

    static func hertz(mel m: Double) -> Double {
        m < logStartMel ? linearStep * m : logStart * ScalarMath.exp(logStep * (m - logStartMel))
    }

    /// `melCount` rows of `binCount` weights.
    public static func slaney(melCount: Int) -> MelFilterbank {
        MelFilterbank(nMels: melCount, nFFTBins: binCount, weights: slaneyWeights(melCount: melCount))
    }

    static func slaneyWeights(melCount: Int) -> [Float] {
        guard melCount > 0 else { return [] }
        let fftFrequencies = (0..<binCount).map { Double($0) * (sampleRate / 2) / Double(binCount - 1) }
        // melCount + 2 points evenly spaced in mels from 0 Hz to the Nyquist frequency.
        let top = mel(hertz: sampleRate / 2)
        let points = (0..<(melCount + 2)).map { hertz(mel: top * Double($0) / Double(melCount + 1)) }
        var weights = [Float](repeating: 0, count: melCount * binCount)
        for i in 0..<melCount {
            let lowerWidth = points[i + 1] - points[i], upperWidth = points[i + 2] - points[i + 1]
            // Area normalization: each filter has the same area.
            let norm = 2.0 / (points[i + 2] - points[i])
            for k in 0..<binCount {
                let lower = (fftFrequencies[k] - points[i]) / lowerWidth
                let upper = (points[i + 2] - fftFrequencies[k]) / upperWidth
                // librosa stores the triangle in float32, then scales it (in double) by the norm.
                let triangle = Float(max(0, min(lower, upper)))
                weights[i * binCount + k] = Float(Double(triangle) * norm)
            }
        }
        return weights
    }
}
