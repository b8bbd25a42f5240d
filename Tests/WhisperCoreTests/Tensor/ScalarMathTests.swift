import Foundation
import XCTest
@testable import WhisperCore

/// The core's own elementary functions against the C library's, in units in the last place.
final class ScalarMathTests: XCTestCase {
    /// Distance between two doubles in units in the last place of `b`.
    private func ulps(_ a: Double, _ b: Double) -> Double {
        if a == b { return 0 }
        return abs(a - b) / b.ulp
    }

    private func samples(_ range: ClosedRange<Double>, count: Int = 20_000) -> [Double] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in Double.random(in: range, using: &rng) }
    }

    func testExpWithinOneUlp() {
        for x in samples(-700...700) + samples(-1...1) + [0, 1, -1, 1e-300, -1e-300] {
            XCTAssertLessThanOrEqual(ulps(ScalarMath.exp(x), Foundation.exp(x)), 1, "exp(\(x))")
        }
        XCTAssertEqual(ScalarMath.exp(800.0), Double.infinity)
        XCTAssertEqual(ScalarMath.exp(-800.0), 0)
        XCTAssertEqual(ScalarMath.exp(-Double.infinity), 0)
        XCTAssertTrue(ScalarMath.exp(Double.nan).isNaN)
        // Results that are subnormal stay close in absolute terms.
        XCTAssertEqual(ScalarMath.exp(-740), Foundation.exp(-740), accuracy: 1e-320)
    }

    func testLogWithinOneUlp() {
        for x in samples(1e-300...1e300, count: 5000) + samples(0.5...2) + samples(1e-10...1e-5) + [1, 2, 10, 0.1] {
            XCTAssertLessThanOrEqual(ulps(ScalarMath.log(x), Foundation.log(x)), 1, "log(\(x))")
        }
        XCTAssertEqual(ScalarMath.log(1.0), 0)
        XCTAssertEqual(ScalarMath.log(0.0), -Double.infinity)
        XCTAssertTrue(ScalarMath.log(-1.0).isNaN)
        XCTAssertEqual(ScalarMath.log(5e-324), Foundation.log(5e-324), accuracy: 1e-12)   // subnormal input
    }

    func testSineAndCosineWithinOneUlp() {
        for x in samples(-1000...1000) + samples(-7...7) {
            XCTAssertLessThanOrEqual(abs(ScalarMath.sin(x) - Foundation.sin(x)), 2.3e-16, "sin(\(x))")
            XCTAssertLessThanOrEqual(abs(ScalarMath.cos(x) - Foundation.cos(x)), 2.3e-16, "cos(\(x))")
        }
        XCTAssertEqual(ScalarMath.sin(0.0), 0)
        XCTAssertEqual(ScalarMath.cos(0.0), 1)
    }

    func testSinglePrecisionFunctionsRoundOnce() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let x = Float.random(in: -30...30, using: &rng)
            // The double-precision result rounded once (the C library's float functions may be
            // a unit off themselves).
            let tanh = Float(Foundation.tanh(Double(x))), exp = Float(Foundation.exp(Double(x)))
            XCTAssertLessThanOrEqual(abs(ScalarMath.tanh(x) - tanh), tanh.magnitude.ulp, "tanh(\(x))")
            XCTAssertLessThanOrEqual(abs(ScalarMath.exp(x) - exp), exp.ulp, "exp(\(x))")
            let p = Float.random(in: 1e-10...1e6, using: &rng)
            let log10 = Float(Foundation.log10(Double(p)))
            XCTAssertLessThanOrEqual(abs(ScalarMath.log10(p) - log10), log10.magnitude.ulp, "log10(\(p))")
        }
        XCTAssertEqual(ScalarMath.tanh(Float(0)), 0)
        XCTAssertEqual(ScalarMath.tanh(Float(100)), 1)
        XCTAssertEqual(ScalarMath.tanh(Float(-100)), -1)
    }
}
