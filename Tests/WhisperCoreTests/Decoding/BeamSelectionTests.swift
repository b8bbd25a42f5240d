import XCTest
@testable import WhisperCore

/// The selection of each beam's best next tokens (`BeamSearchDecoder.best`).
final class BeamSelectionTests: XCTestCase {
    private func best(_ k: Int, of values: [Float]) -> [(index: Int, value: Float)] {
        var top = [(index: Int, value: Float)](repeating: (-1, .nan), count: k)
        values.withUnsafeBufferPointer { v in
            top.withUnsafeMutableBufferPointer { BeamSearchDecoder.best(v, into: $0) }
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
