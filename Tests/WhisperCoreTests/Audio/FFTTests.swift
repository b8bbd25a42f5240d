import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class FFTTests: XCTestCase {
    /// The DFT by its definition, in double precision.
    private func naiveDFT(re: [Double], im: [Double]) -> (re: [Double], im: [Double]) {
        let n = re.count
        var outRe = [Double](repeating: 0, count: n), outIm = outRe
        for k in 0..<n {
            var sr = 0.0, si = 0.0
            for t in 0..<n {
                let angle = -2 * Double.pi * Double((k * t) % n) / Double(n)
                sr += re[t] * cos(angle) - im[t] * sin(angle)
                si += re[t] * sin(angle) + im[t] * cos(angle)
            }
            outRe[k] = sr
            outIm[k] = si
        }
        return (outRe, outIm)
    }

    func testComplexFFTMatchesTheDefinitionForMixedRadixSizes() {
        var rng = SystemRandomNumberGenerator()
        // 200 = 4·2·5·5 (Whisper's), plus sizes exercising radix 3 and a generic prime (7, 11).
        for n in [1, 2, 3, 4, 5, 8, 12, 15, 60, 100, 200, 210, 77, 256] {
            let re = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            let im = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            let expected = naiveDFT(re: re.map(Double.init), im: im.map(Double.init))
            var xr = re, xi = im
            var wr = [Float](repeating: 0, count: n), wi = wr
            let fft = ComplexFFT(size: n)
            fft.transform(re: &xr, im: &xi, workRe: &wr, workIm: &wi)
            let scale = Double(n).squareRoot()   // |X| grows like √n for random input
            var maxError = 0.0
            for k in 0..<n {
                maxError = max(maxError, abs(Double(xr[k]) - expected.re[k]), abs(Double(xi[k]) - expected.im[k]))
            }
            XCTAssertLessThan(maxError / scale, 2e-6, "size \(n)")
        }
    }

    func testRealFFTMatchesTheDefinition() {
        var rng = SystemRandomNumberGenerator()
        for n in [2, 4, 10, 400, 512] {
            let x = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            let expected = naiveDFT(re: x.map(Double.init), im: [Double](repeating: 0, count: n))
            let fft = RealFFT(size: n)
            var outRe = [Float](repeating: 0, count: n / 2 + 1), outIm = outRe
            var power = outRe
            let workspace = fft.makeWorkspace()
            x.withUnsafeBufferPointer { input in
                fft.transform(input.baseAddress!, outRe: &outRe, outIm: &outIm, workspace: workspace)
                fft.powerSpectrum(input.baseAddress!, into: &power, workspace: workspace)
            }
            let scale = Double(n).squareRoot()
            for k in 0...(n / 2) {
                XCTAssertEqual(Double(outRe[k]), expected.re[k], accuracy: 2e-6 * scale, "size \(n) bin \(k)")
                XCTAssertEqual(Double(outIm[k]), expected.im[k], accuracy: 2e-6 * scale, "size \(n) bin \(k)")
                let p = expected.re[k] * expected.re[k] + expected.im[k] * expected.im[k]
                XCTAssertEqual(Double(power[k]), p, accuracy: 1e-5 * scale * scale, "size \(n) bin \(k)")
            }
        }
    }

    func testPureToneLandsInItsBin() {
        let n = 400
        let x = (0..<n).map { Float(cos(2 * Double.pi * 25 * Double($0) / Double(n))) }
        let fft = RealFFT(size: n)
        var power = [Float](repeating: 0, count: 201)
        x.withUnsafeBufferPointer { fft.powerSpectrum($0.baseAddress!, into: &power, workspace: fft.makeWorkspace()) }
        XCTAssertEqual(power[25], 200 * 200, accuracy: 0.1)
        for k in 0...200 where k != 25 { XCTAssertLessThan(power[k], 1e-6) }
    }

    func testSpeedOf400PointRealFFT() {
        let fft = RealFFT(size: 400)
        let workspace = fft.makeWorkspace()
        let x = (0..<400).map { Float(sin(Double($0) * 0.37)) }
        var power = [Float](repeating: 0, count: 201)
        let count = 3000
        let start = Date()
        x.withUnsafeBufferPointer { input in
            power.withUnsafeMutableBufferPointer { out in
                for _ in 0..<count { fft.powerSpectrum(input.baseAddress!, into: out.baseAddress!, workspace: workspace) }
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        print("RealFFT(400): \(String(format: "%.2f", elapsed / Double(count) * 1e6)) µs per frame")
        XCTAssertGreaterThan(power[0], 0)
    }
}
