import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class SincResamplerTests: XCTestCase {
    private func sine(frequency: Double, rate: Int, count: Int, amplitude: Double = 0.5, phase: Double = 0.3) -> [Float] {
        (0..<count).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate) + phase)) }
    }

    /// The interior of a resampled signal, away from the kernel's reach of the two ends.
    private func interior(_ x: [Float]) -> ArraySlice<Float> {
        let margin = 400
        return x[margin..<(x.count - margin)]
    }

    private func rms<C: Collection>(_ x: C) -> Double where C.Element == Float {
        (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
    }

    func testSineKeepsItsFrequencyAmplitudeAndPhase() throws {
        // Output sample n sits at input time n·in/out (no delay), so it must equal the ideal sine
        // sampled at the output rate. Measured: at most 5.5e-6 for amplitude 0.5 (passband ripple
        // plus Float rounding); bound 2e-5. A one-sample delay or a linear interpolator fails it.
        for (rate, frequency) in [(44100, 1000.0), (22050, 3000.0), (8000, 440.0), (48000, 5000.0), (11025, 2500.0),
                                  (44101, 1234.0), (96000, 7000.0)] {
            let input = sine(frequency: frequency, rate: rate, count: rate / 2)
            let output = try SincResampler.resample(input, from: rate, to: 16000)
            XCTAssertEqual(output.count, (input.count * 16000 + rate - 1) / rate, "\(rate)")
            let ideal = sine(frequency: frequency, rate: 16000, count: output.count)
            let error = zip(interior(output), interior(ideal)).map { abs($0 - $1) }.max() ?? 1
            print("SincResampler \(rate) → 16000 Hz, \(frequency) Hz sine (amplitude 0.5): max error \(String(format: "%.1e", error))")
            XCTAssertLessThan(error, 2e-5, "\(rate) Hz, \(frequency) Hz sine: max error \(error)")
        }
    }

    func testPassbandIsFlatTo7kHz() throws {
        // Designed ripple ~3e-5 (Kaiser β = 9); measured worst 1.8e-5; bound 1e-4 (0.001 dB).
        var worst = 0.0
        for frequency in stride(from: 200.0, through: 7000, by: 400) {
            let input = sine(frequency: frequency, rate: 44100, count: 22050, amplitude: 1)
            let output = try SincResampler.resample(input, from: 44100, to: 16000)
            let gain = rms(interior(output)) * 2.0.squareRoot()
            worst = max(worst, abs(gain - 1))
            XCTAssertEqual(gain, 1, accuracy: 1e-4, "gain at \(frequency) Hz")
        }
        print("SincResampler passband 200–7000 Hz: worst gain error \(String(format: "%.1e", worst))")
    }

    func testStopbandAboveTheOutputNyquistIsRemoved() throws {
        // Downsampling: tones above 8 kHz would alias into the speech band; at least 80 dB down.
        for frequency in [8050.0, 8500, 9000, 12000, 15000, 20000] {
            let input = sine(frequency: frequency, rate: 44100, count: 22050, amplitude: 1)
            let output = try SincResampler.resample(input, from: 44100, to: 16000)
            let level = 20 * log10(rms(interior(output)) * 2.0.squareRoot())
            print("SincResampler 44100 → 16000 Hz: \(frequency) Hz tone at \(String(format: "%.1f", level)) dB")
            XCTAssertLessThan(level, -80, "\(frequency) Hz leaks at \(level) dB")
        }
        // Upsampling 8 kHz → 16 kHz: the image of a 3 kHz tone (at 5 kHz) must not appear, so the
        // output is the clean tone (checked above) and carries no energy left over after removing it.
        let input = sine(frequency: 3000, rate: 8000, count: 8000, amplitude: 1)
        let output = try SincResampler.resample(input, from: 8000, to: 16000)
        let ideal = sine(frequency: 3000, rate: 16000, count: output.count, amplitude: 1)
        let residual = zip(interior(output), interior(ideal)).map { $0 - $1 }
        print("SincResampler 8000 → 16000 Hz, 3 kHz tone: residual \(String(format: "%.1f", 20 * log10(rms(residual)))) dB")
        XCTAssertLessThan(20 * log10(rms(residual)), -70)
    }

    func testConstantSignalStaysConstant() throws {
        let input = [Float](repeating: 0.25, count: 10000)
        for rate in [44100, 8000, 44101] {
            let output = try SincResampler.resample(input, from: rate, to: 16000)
            for v in interior(output) { XCTAssertEqual(v, 0.25, accuracy: 1e-6) }
        }
    }

    func testStreamingEqualsOneShotExactly() throws {
        var rng = SystemRandomNumberGenerator()
        let signal = (0..<30000).map { _ in Float.random(in: -1...1, using: &rng) }
        for rate in [44100, 22050, 8000, 48000, 11025, 44101, 32000] {
            let whole = try SincResampler.resample(signal, from: rate, to: 16000)
            let resampler = try SincResampler(from: rate, to: 16000)
            var streamed: [Float] = []
            var offset = 0
            var sizes = [1, 3, 700, 5000, 17, 9001, 0, 64]
            while offset < signal.count {
                let n = min(sizes.removeFirst(), signal.count - offset)
                sizes.append(n + 1)
                streamed += resampler.process(Array(signal[offset..<(offset + n)]))
                offset += n
            }
            streamed += resampler.finish()
            XCTAssertEqual(streamed.count, whole.count, "\(rate)")
            XCTAssertTrue(streamed == whole, "\(rate): streamed output differs from one-shot")
        }
    }

    func testPassthroughAndLengths() throws {
        let x: [Float] = [0.1, -0.2, 0.3]
        XCTAssertEqual(try SincResampler.resample(x, from: 16000, to: 16000), x)
        XCTAssertEqual(try SincResampler.resample([], from: 44100, to: 16000), [])
        XCTAssertEqual(try SincResampler.resample([1], from: 44100, to: 16000).count, 1)
        XCTAssertEqual(try SincResampler.resample(Array(repeating: 0, count: 441), from: 44100, to: 16000).count, 160)
        XCTAssertEqual(try SincResampler.resample(Array(repeating: 0, count: 442), from: 44100, to: 16000).count, 161)
        XCTAssertEqual(try SincResampler.resample(Array(repeating: 0, count: 5), from: 8000, to: 16000).count, 10)
    }

    func testInvalidRatesAreRefused() {
        XCTAssertThrowsError(try SincResampler(from: 0, to: 16000)) { error in
            XCTAssertEqual(error as? AudioError, .invalidResamplingRate(inputRate: 0, outputRate: 16000))
        }
        XCTAssertThrowsError(try SincResampler(from: 44100, to: -1))
        XCTAssertThrowsError(try SincResampler(from: 10_000_000, to: 16000))
    }

    func testSpeedOfResampling44kTo16k() throws {
        let input = sine(frequency: 440, rate: 44100, count: 44100 * 30)
        let start = Date()
        let output = try SincResampler.resample(input, from: 44100, to: 16000)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(output.count, 480000)
        print("SincResampler: 30 s of 44.1 kHz → 16 kHz in \(String(format: "%.1f", elapsed * 1000)) ms")
    }
}
