import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The selection of each beam's best next tokens (`BeamSearch.best`).
final class BeamSelectionTests: XCTestCase {
    private func best(_ k: Int, of values: [Float]) -> [(index: Int, value: Float)] {
        var top = [(index: Int, value: Float)](repeating: (-1, .nan), count: k)
        values.withUnsafeBufferPointer { v in
            top.withUnsafeMutableBufferPointer { BeamSearch.best(v, into: $0) }
        }
        return top
    }

    func testLargestFirstTiesToTheSmallerIndex() {
        let top = best(4, of: [1, 5, -.infinity, 5, 7, 3, 7, 2])
        XCTAssertEqual(top.map(\.index), [4, 6, 1, 3])
        XCTAssertEqual(top.map(\.value), [7, 7, 5, 5])
    }

    func testAgreesWithSortingOnRandomRows() {
        var random = TestRandom(seed: 21)
        for trial in 0..<20 {
            // Coarse values, so that ties are common.
            let values = random.floats(trial % 2 == 0 ? 500 : 3000).map { ($0 * 8).rounded() }
            let k = 1 + trial % 7
            let expected = values.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
                .prefix(k).map(\.offset)
            XCTAssertEqual(best(k, of: values).map(\.index), Array(expected), "trial \(trial)")
        }
    }

    func testSuppressedEntriesComeLastAndNaNIsNeverPreferred() {
        let top = best(3, of: [-.infinity, .nan, 2, -.infinity])
        XCTAssertEqual(top.map(\.index), [2, 0, 3])
    }
}

/// The vectorized reductions over a logits row.
final class LogitReductionTests: XCTestCase {
    func testMaximumAndLogSumExpAgreeWithPlainLoops() {
        var random = TestRandom(seed: 3)
        for count in [0, 1, 15, 16, 17, 255, 1000] {
            var values = random.floats(count, scale: 20)
            if count > 3 { values[count / 2] = .nan; values[1] = -.infinity }
            let expectedMax = values.reduce(-Float.infinity) { $1 > $0 ? $1 : $0 }
            values.withUnsafeBufferPointer { v in
                XCTAssertEqual(maximum(v), expectedMax, "\(count) values, NaN skipped")
            }
            let finite = values.filter { !$0.isNaN }
            let reference = finite.isEmpty ? -Double.infinity
                : Double(expectedMax) + log(finite.reduce(0.0) { $0 + exp(Double($1) - Double(expectedMax)) })
            finite.withUnsafeBufferPointer { v in
                let got = Double(logSumExp(v))
                if reference.isInfinite { XCTAssertEqual(got, reference) } else { XCTAssertEqual(got, reference, accuracy: 1e-5 * max(1, abs(reference))) }
            }
        }
    }
}

/// The sampler's choices: the greedy pick with its margin, and draws at a temperature.
final class SamplerChoiceTests: XCTestCase {
    func testTopTwoIsTheFirstMaximumAndItsLead() {
        var random = TestRandom(seed: 8)
        for count in [1, 2, 17, 300, 4000] {
            var values = random.floats(count).map { ($0 * 50).rounded() }
            if count > 10 { values[3] = .nan }
            let firstMax = values.indices.filter { !values[$0].isNaN }.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }!
            let rest = values.indices.filter { $0 != firstMax && !values[$0].isNaN }.map { values[$0] }
            let (best, margin) = values.withUnsafeBufferPointer { TokenSampler.topTwo($0) }
            XCTAssertEqual(best, firstMax, "\(count) values")
            XCTAssertEqual(margin, values[firstMax] - (rest.max() ?? -.infinity), "\(count) values")
        }
        let (best, margin) = [Float](repeating: -.infinity, count: 40).withUnsafeBufferPointer { TokenSampler.topTwo($0) }
        XCTAssertEqual(best, 0)
        XCTAssertTrue(margin.isNaN, "nothing allowed: no margin")
    }

    func testDrawsFollowTheDistributionAndNeverASuppressedToken() {
        var logits = [Float](repeating: -.infinity, count: 1000)
        logits[10] = 0; logits[500] = log(3); logits[999] = -2
        var scratch = [Float](repeating: 0, count: logits.count)
        var rng = SeededGenerator(seed: 1)
        var counts: [Int: Int] = [:]
        for _ in 0..<4000 {
            let t = logits.withUnsafeBufferPointer { l in
                scratch.withUnsafeMutableBufferPointer { TokenSampler.draw(l, temperature: 1, scratch: $0, rng: &rng) }
            }
            counts[t, default: 0] += 1
        }
        XCTAssertEqual(Set(counts.keys), [10, 500, 999])
        let total = 1 + 3 + exp(-2.0)
        XCTAssertEqual(Double(counts[500]!) / 4000, 3 / total, accuracy: 0.03)
        XCTAssertEqual(Double(counts[10]!) / 4000, 1 / total, accuracy: 0.03)
        // A low temperature leaves only the largest.
        let cold = logits.withUnsafeBufferPointer { l in
            scratch.withUnsafeMutableBufferPointer { TokenSampler.draw(l, temperature: 0.01, scratch: $0, rng: &rng) }
        }
        XCTAssertEqual(cold, 500)
    }
}
