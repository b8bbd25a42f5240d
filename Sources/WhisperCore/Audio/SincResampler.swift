/// Band-limited sample-rate conversion by a Kaiser-windowed sinc, usable on a stream.
///
/// Each output sample at time t (in input samples) is Σⱼ x[j]·h(j − t), where h is a low-pass
/// kernel: a sinc whose cutoff sits just below the Nyquist frequency of the *lower* of the two
/// rates, tapered by a Kaiser window. Downsampling thereby removes what would alias, upsampling
/// removes the images. With the constants below, at 16 kHz output the response is flat to within
/// 0.1 % (0.01 dB) up to about 7.1 kHz and attenuated by at least 80 dB from about 7.96 kHz on
/// (90 dB at 8 kHz); the kernel spans 102 periods of the lower rate (±3.2 ms at 16 kHz).
///
/// The output times t = n·inputRate/outputRate are exact rationals. With the ratio reduced to
/// `up`/`down`, only `up` distinct kernel phases occur, so they are tabulated once (each row scaled
/// to unit sum, so a constant signal stays exactly constant). When that table would be huge (odd
/// rates such as 44 101 Hz, where `up` = 16 000), 512 phases are tabulated and adjacent rows are
/// interpolated linearly (relative kernel error below 1e-5).
///
/// Streaming: feed input in chunks of any size with `process`, then call `finish` once. The
/// concatenated outputs equal `resample` of the whole signal exactly (bit for bit): the signal is
/// taken as zero before its start and after its end, and the output has ⌈count·out/in⌉ samples,
/// with no delay (output sample n sits at input time n·in/out). Memory stays bounded: the
/// resampler keeps only the kernel's width of past input.
public final class SincResampler {
    public let inputRate: Int
    public let outputRate: Int

    /// Zero crossings of the sinc on each side of its centre, counted at the lower rate.
    public static let zeroCrossings = 48
    /// The sinc's cutoff as a fraction of the lower rate's Nyquist frequency.
    public static let cutoff = 0.94
    /// Kaiser β: about 90 dB of stopband attenuation.
    public static let kaiserBeta = 9.0

    /// The rate ratio in lowest terms: output/input = up/down.
    private let up: Int
    private let down: Int
    /// Kernel taps per output sample (a multiple of 16; leading ones may be zero padding).
    private let taps: Int
    /// Offset from the output's integer input position to the first tap's input index.
    private let firstTapOffset: Int
    /// Tabulated kernel phases, `rows` rows of `taps` coefficients.
    private let table: [Float]
    /// Phases tabulated: `up` when exact, else `interpolatedPhases` (+1 row for phase 1).
    private let phaseCount: Int
    private let interpolates: Bool
    private static let interpolatedPhases = 512
    private static let maxExactTableSize = 1 << 22

    // Stream state.
    /// Input samples from absolute index `bufferStart` on (zeros before the signal start).
    private var buffer: [Float]
    private var bufferStart: Int
    private var received = 0
    /// Next output's position in input samples: `position + remainder / up`.
    private var position = 0
    private var remainder = 0
    private var produced = 0
    private var finished = false

    /// A resampler from `inputRate` to `outputRate` Hz (both in `WAVFormat.supportedSampleRates`).
    public init(from inputRate: Int, to outputRate: Int) throws(AudioError) {
        guard WAVFormat.supportedSampleRates.contains(inputRate),
              WAVFormat.supportedSampleRates.contains(outputRate) else {
            throw AudioError.invalidResamplingRate(inputRate: inputRate, outputRate: outputRate)
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        let g = Self.gcd(inputRate, outputRate)
        up = outputRate / g
        down = inputRate / g

        // Kernel in input samples: sinc(c·ρ·x)·kaiser(x / W), ρ = lower rate / input rate.
        let rho = Double(min(inputRate, outputRate)) / Double(inputRate)
        let bandwidth = Self.cutoff * rho
        let halfWidth = Double(Self.zeroCrossings) / bandwidth
        let half = Int(halfWidth) + 1                // taps j cover x ∈ (−half, half]
        let needed = 2 * half
        taps = (needed + 15) / 16 * 16
        let lead = taps - needed                     // zero padding in front, for whole SIMD blocks
        firstTapOffset = -(half - 1) - lead

        interpolates = up * taps > Self.maxExactTableSize
        phaseCount = interpolates ? Self.interpolatedPhases : up
        let rows = interpolates ? phaseCount + 1 : phaseCount
        var table = [Float](repeating: 0, count: rows * taps)
        var row = [Double](repeating: 0, count: needed)
        for p in 0..<rows {
            // Output at fractional position φ; tap j (after the lead) reads input x = j − (half − 1) − φ.
            let phi = Double(p) / Double(phaseCount)
            var sum = 0.0
            for j in 0..<needed {
                let x = Double(j - (half - 1)) - phi
                let u = x / halfWidth
                let arg = Double.pi * bandwidth * x
                let sinc = abs(arg) < 1e-12 ? 1.0 : ScalarMath.sin(arg) / arg
                row[j] = sinc * KaiserWindow.value(u, beta: Self.kaiserBeta)
                sum += row[j]
            }
            for j in 0..<needed { table[p * taps + lead + j] = Float(row[j] / sum) }
        }
        self.table = table

        bufferStart = firstTapOffset
        buffer = [Float](repeating: 0, count: -firstTapOffset)
    }

    /// Resamples a whole signal at once (the same as one `process` and `finish`).
    public static func resample(_ samples: [Float], from inputRate: Int, to outputRate: Int) throws(AudioError) -> [Float] {
        if inputRate == outputRate { return samples }
        let resampler = try SincResampler(from: inputRate, to: outputRate)
        var out = resampler.process(samples)
        out += resampler.finish()
        return out
    }

    /// The number of output samples `resample` gives for `inputCount` input samples.
    public func outputCount(forInputCount inputCount: Int) -> Int {
        (inputCount * up + down - 1) / down
    }

    /// Feeds the next chunk of input; returns the output samples that are now complete.
    public func process(_ input: [Float]) -> [Float] {
        var out: [Float] = []
        input.withUnsafeBufferPointer { process($0, appendingTo: &out) }
        return out
    }

    /// Feeds the next chunk of input, appending the output samples that are now complete.
    public func process(_ input: UnsafeBufferPointer<Float>, appendingTo output: inout [Float]) {
        precondition(!finished, "SincResampler.process after finish")
        if up == down {
            output.append(contentsOf: input)
            received += input.count
            return
        }
        buffer.append(contentsOf: input)
        received += input.count
        // An output is complete once its last tap, index position + half, has arrived.
        let lastTap = firstTapOffset + taps - 1
        produce(while: { self.position + lastTap < self.received }, into: &output)
    }

    /// Ends the stream: returns the remaining output, computed with zeros after the last input.
    public func finish() -> [Float] {
        precondition(!finished, "SincResampler.finish called twice")
        finished = true
        var output: [Float] = []
        if up == down { return output }
        let total = outputCount(forInputCount: received)
        guard produced < total else { return output }
        // Zeros up to the last tap of the last output.
        let lastPosition = (total - 1) * down / up
        let end = lastPosition + firstTapOffset + taps
        if end - bufferStart > buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: end - bufferStart - buffer.count))
        }
        produce(while: { self.produced < total }, into: &output)
        return output
    }

    private func produce(while more: () -> Bool, into output: inout [Float]) {
        let taps = self.taps
        buffer.withUnsafeBufferPointer { buf in
            table.withUnsafeBufferPointer { tab in
                let x = buf.baseAddress!
                let h = tab.baseAddress!
                while more() {
                    let start = x + (position + firstTapOffset - bufferStart)
                    let value: Float
                    if !interpolates {
                        value = Self.dot(start, h + remainder * taps, taps)
                    } else {
                        // Phase remainder/up lies between tabulated rows k and k + 1.
                        let scaled = remainder * phaseCount
                        let k = scaled / up
                        let w = Float(scaled - k * up) / Float(up)
                        let a = Self.dot(start, h + k * taps, taps)
                        let b = Self.dot(start, h + (k + 1) * taps, taps)
                        value = a + w * (b - a)
                    }
                    output.append(value)
                    produced += 1
                    remainder += down
                    position += remainder / up
                    remainder %= up
                }
            }
        }
        // Drop input no longer needed (kept: from the next output's first tap on).
        let keepFrom = position + firstTapOffset - bufferStart
        if keepFrom > 4096 && keepFrom * 2 > buffer.count {
            buffer.removeFirst(keepFrom)
            bufferStart += keepFrom
        }
    }

    /// Σ a[k]·b[k] for k < n, n a multiple of 16, in a fixed order.
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD16<Float>()
        var acc1 = SIMD16<Float>()
        var k = 0
        while k + 32 <= n {
            acc0 = acc0.multiplyAdd(UnsafeRawPointer(a + k).loadUnaligned(as: SIMD16<Float>.self),
                            UnsafeRawPointer(b + k).loadUnaligned(as: SIMD16<Float>.self))
            acc1 = acc1.multiplyAdd(UnsafeRawPointer(a + k + 16).loadUnaligned(as: SIMD16<Float>.self),
                            UnsafeRawPointer(b + k + 16).loadUnaligned(as: SIMD16<Float>.self))
            k += 32
        }
        if k < n {
            acc0 = acc0.multiplyAdd(UnsafeRawPointer(a + k).loadUnaligned(as: SIMD16<Float>.self),
                            UnsafeRawPointer(b + k).loadUnaligned(as: SIMD16<Float>.self))
        }
        return (acc0 + acc1).sum()
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
