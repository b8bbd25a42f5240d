/// Whisper's audio front end: 16 kHz mono samples → log-mel spectrogram, exactly as OpenAI's
/// `log_mel_spectrogram` and whisper.cpp compute it.
///
/// 1. Append 30 s (480 000 samples) of zeros, so the last window of speech is followed by silence.
/// 2. Reflect-pad 200 samples at each end (frame f is then centred on sample 160·f).
/// 3. Frames of 400 samples (25 ms) every 160 samples (10 ms), times a periodic Hann window.
/// 4. Power spectrum |X[k]|², k = 0...200, of each frame's 400-point real FFT.
/// 5. Drop the last frame (as `stft(...)[..., :-1]` does): n + 480 000 samples give
///    ⌊(n + 480 000) / 160⌋ frames.
/// 6. mel = filters · power, with the model's own [melCount][201] filter bank (80 or 128 rows).
/// 7. log10(max(mel, 1e-10)).
/// 8. Clamp from below at (maximum over the *whole* recording) − 8, then map x → (x + 4) / 4.
///
/// Steps 1–7 are local: frame f needs only samples 160·f − 200 ..< 160·f + 200. Step 8 is global.
/// `compute` does everything for a recording held in memory. For bounded-memory streaming of long
/// recordings, `rawLogMel` gives steps 1–7 for any range of frames from a window of samples, and
/// `normalize` applies step 8 given the maximum. To reproduce the whole-recording result exactly,
/// the maximum must be the one over all frames of the recording (Whisper computes the spectrogram
/// of the entire input before cutting it into 30 s windows, so one loud moment anywhere raises
/// the floor everywhere): keep the raw values or the running maximum (`rawLogMel` returns the
/// maximum of what it computed) and normalize once it is known — or accept a maximum known so far,
/// which differs only in frames quieter than that floor.
///
/// Arithmetic is Float32 with double-precision constants (window, twiddles). Each frame is
/// computed the same way whatever the thread count, so results do not depend on it.
public struct LogMelSpectrogram {
    public static let sampleRate = WhisperAudio.sampleRate
    /// FFT length (25 ms) and hop (10 ms) in samples.
    public static let fftSize = WhisperAudio.fftSize
    public static let hopLength = WhisperAudio.hopLength
    /// Power-spectrum bins per frame, fftSize / 2 + 1.
    public static let binCount = 201
    /// Zeros appended to every recording (30 s).
    public static let paddingSamples = 480_000
    /// The floor of the raw log10 mel, log10(1e-10).
    public static let logFloor: Float = -10
    /// Frames per 30 s window of the encoder.
    public static let framesPerWindow = WhisperAudio.framesPerWindow

    /// Mel bands (80, or 128 for large-v3 models).
    public let melCount: Int
    /// The filter bank, row-major [melCount][binCount].
    public let filters: [Float]
    /// Per mel row, the bins where its filter is non-zero: `firstBin[m] ..< endBin[m]`.
    private let firstBin: [Int]
    private let endBin: [Int]
    private let fft = RealFFT(size: fftSize)
    /// The periodic Hann window 0.5 − 0.5·cos(2πn/400).
    private let window: [Float]
    /// Frames per unit of parallel work (fixed, so results never depend on the thread count).
    private static let framesPerPiece = 64

    /// A spectrogram with the model's filter bank: `filters` holds `melCount` rows of 201 values.
    public init(filters: [Float], melCount: Int) throws(AudioError) {
        guard melCount > 0, filters.count == melCount * Self.binCount else {
            throw AudioError.invalidMelFilters(melCount: melCount, valueCount: filters.count)
        }
        self.init(checkedFilters: filters, melCount: melCount)
    }

    /// The filter bank's shape has been checked by the caller.
    init(checkedFilters filters: [Float], melCount: Int) {
        self.melCount = melCount
        self.filters = filters
        var first = [Int](repeating: 0, count: melCount)
        var end = [Int](repeating: 0, count: melCount)
        for m in 0..<melCount {
            let row = filters[(m * Self.binCount)..<((m + 1) * Self.binCount)]
            // Only the non-zero stretch of a triangular filter contributes; the rest adds exact zeros.
            if let lo = row.firstIndex(where: { $0 != 0 }), let hi = row.lastIndex(where: { $0 != 0 }) {
                first[m] = lo - m * Self.binCount
                end[m] = hi - m * Self.binCount + 1
            }
        }
        firstBin = first
        endBin = end
        window = (0..<Self.fftSize).map { n in
            Float(0.5 - 0.5 * ScalarMath.cos(2 * Double.pi * Double(n) / Double(Self.fftSize)))
        }
    }

    /// Frames for a recording of `sampleCount` samples: ⌊(sampleCount + 480 000) / 160⌋.
    public static func frameCount(sampleCount: Int) -> Int {
        (sampleCount + paddingSamples) / hopLength
    }

    /// The sample indices `rawLogMel` reads for `frames` (clipped at the recording's start; the
    /// first 200 samples are also needed for the reflection before it). Indices at or beyond the
    /// recording's end are zeros and need not be supplied once the length is known.
    public static func requiredSamples(forFrames frames: Range<Int>) -> Range<Int> {
        guard !frames.isEmpty else { return 0..<0 }
        let start = frames.lowerBound * hopLength - fftSize / 2
        var end = (frames.upperBound - 1) * hopLength + fftSize / 2
        if start < 0 { end = max(end, -start + 1) }  // reflected samples x[1...−start]
        return max(0, start)..<end
    }

    /// The whole front end for a recording in memory: row-major [melCount][frameCount] values,
    /// normalized with the recording's maximum.
    public func compute(samples: [Float], executor: ParallelExecutor = .serial) -> MelSpectrogram {
        let frameCount = Self.frameCount(sampleCount: samples.count)
        var values = [Float](repeating: 0, count: melCount * frameCount)
        let maximum = samples.withUnsafeBufferPointer { input in
            values.withUnsafeMutableBufferPointer { out in
                rawLogMel(frames: 0..<frameCount, window: input, windowStart: 0, sampleCount: samples.count,
                          into: out.baseAddress!, rowStride: frameCount, executor: executor)
            }
        }
        values.withUnsafeMutableBufferPointer { Self.normalize($0, maximum: maximum) }
        return MelSpectrogram(melCount: melCount, frameCount: frameCount, values: values)
    }

    /// Steps 1–7 (raw log10 mel, not yet clamped or normalized) for `frames`, written to
    /// `output[m · rowStride + (f − frames.lowerBound)]`. Returns the maximum value written
    /// (`logFloor` when `frames` is empty).
    ///
    /// - Parameters:
    ///   - window: samples `windowStart ..< windowStart + window.count` of the recording; it must
    ///     contain `requiredSamples(forFrames: frames)`, except indices ≥ `sampleCount`.
    ///   - sampleCount: the recording's length when known (samples from there on are the zero
    ///     padding); nil while it is still being recorded.
    public func rawLogMel(frames: Range<Int>, window samples: UnsafeBufferPointer<Float>, windowStart: Int,
                          sampleCount: Int?, into output: UnsafeMutablePointer<Float>, rowStride: Int,
                          executor: ParallelExecutor = .serial) -> Float {
        guard !frames.isEmpty else { return Self.logFloor }
        let needed = Self.requiredSamples(forFrames: frames)
        let available = windowStart..<(windowStart + samples.count)
        let neededEnd = min(needed.upperBound, sampleCount ?? needed.upperBound)
        precondition(needed.lowerBound >= neededEnd
                     || (available.lowerBound <= needed.lowerBound && neededEnd <= available.upperBound),
                     "rawLogMel: the sample window does not cover the frames' samples")
        precondition(rowStride >= frames.count, "rawLogMel: row stride shorter than the frame range")

        let pieces = (frames.count + Self.framesPerPiece - 1) / Self.framesPerPiece
        var pieceMax = [Float](repeating: Self.logFloor, count: pieces)
        // The readable part of the recording: samples below `validEnd` come from the window.
        let validEnd = min(available.upperBound, sampleCount ?? available.upperBound)
        pieceMax.withUnsafeMutableBufferPointer { maxima in
            let maxima = maxima.baseAddress!
            executor.forEach(pieces) { piece in
                let first = frames.lowerBound + piece * Self.framesPerPiece
                let last = min(frames.upperBound, first + Self.framesPerPiece)
                maxima[piece] = computePiece(frames: first..<last, column: first - frames.lowerBound,
                                             samples: samples, windowStart: windowStart, validEnd: validEnd,
                                             output: output, rowStride: rowStride)
            }
        }
        return pieceMax.max() ?? Self.logFloor
    }

    /// Step 8 in place: x → (max(x, maximum − 8) + 4) / 4.
    public static func normalize(_ values: UnsafeMutableBufferPointer<Float>, maximum: Float) {
        let floor = maximum - 8
        for i in values.indices {
            values[i] = (Swift.max(values[i], floor) + 4) / 4
        }
    }

    /// Frames `frames` (one piece of work), writing from output column `column` on.
    private func computePiece(frames: Range<Int>, column: Int, samples: UnsafeBufferPointer<Float>,
                              windowStart: Int, validEnd: Int, output: UnsafeMutablePointer<Float>,
                              rowStride: Int) -> Float {
        let n = Self.fftSize, bins = Self.binCount
        let workspace = fft.makeWorkspace()
        let frame = UnsafeMutablePointer<Float>.allocate(capacity: n + bins)
        defer { frame.deallocate() }
        let power = frame + n
        var maximum = Self.logFloor
        let x = samples.baseAddress

        window.withUnsafeBufferPointer { hann in
        filters.withUnsafeBufferPointer { bank in
        firstBin.withUnsafeBufferPointer { firstBin in
        endBin.withUnsafeBufferPointer { endBin in
            for f in frames {
                let start = f * Self.hopLength - n / 2
                // The frame's samples: direct when inside the window and the recording, else one by
                // one with the reflection at the start and the zero padding after the end.
                var anyNonZero = false
                if start >= windowStart && start + n <= validEnd, let x {
                    let src = x + (start - windowStart)
                    for t in 0..<n {
                        let v = src[t]
                        anyNonZero = anyNonZero || v != 0
                        frame[t] = v * hann[t]
                    }
                } else {
                    for t in 0..<n {
                        var j = start + t
                        if j < 0 { j = -j }
                        let v: Float = (j < validEnd && j >= windowStart) ? samples[j - windowStart] : 0
                        anyNonZero = anyNonZero || v != 0
                        frame[t] = v * hann[t]
                    }
                }
                let col = column + (f - frames.lowerBound)
                guard anyNonZero else {
                    // Silence (such as the appended padding): every mel value is log10(1e-10).
                    for m in 0..<melCount { output[m * rowStride + col] = Self.logFloor }
                    continue
                }
                fft.powerSpectrum(frame, into: power, workspace: workspace)
                for m in 0..<melCount {
                    let row = bank.baseAddress! + m * bins
                    var sum: Float = 0
                    for k in firstBin[m]..<endBin[m] { sum += row[k] * power[k] }
                    // The same floor value as the silent-frame shortcut, exactly.
                    let value = sum > 1e-10 ? ScalarMath.log10(sum) : Self.logFloor
                    output[m * rowStride + col] = value
                    maximum = Swift.max(maximum, value)
                }
            }
        }
        }
        }
        }
        return maximum
    }
}

/// A log-mel spectrogram: `melCount` rows of `frameCount` values (10 ms per frame), row-major.
public struct MelSpectrogram: Equatable, Sendable {
    public let melCount: Int
    public let frameCount: Int
    public var values: [Float]

    public init(melCount: Int, frameCount: Int, values: [Float]) {
        precondition(values.count == melCount * frameCount, "MelSpectrogram: values do not fit the shape")
        self.melCount = melCount
        self.frameCount = frameCount
        self.values = values
    }

    /// The value of mel band `mel` at frame `frame`.
    public subscript(mel: Int, frame: Int) -> Float {
        values[mel * frameCount + frame]
    }
}
