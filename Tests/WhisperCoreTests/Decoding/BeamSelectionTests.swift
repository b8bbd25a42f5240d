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
            let values = random.floats(500).map { ($0 * 8).rounded() }
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
