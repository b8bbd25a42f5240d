import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// `offset`/`duration` → samples: the rounding of the original formula, and no trap on absurd values.
final class SampleSelectionTests: XCTestCase {
    private func selection(_ offset: Double, _ duration: Double?) -> SampleSelection {
        var o = TranscriptionOptions()
        o.offset = offset
        o.duration = duration
        return SampleSelection(options: o)
    }

    func testOrdinaryValues() {
        XCTAssertEqual(selection(0, nil), SampleSelection(first: 0, limit: nil))
        XCTAssertEqual(selection(1.5, 2), SampleSelection(first: 24_000, limit: 32_000))
        XCTAssertEqual(selection(0.00003, 0.00003), SampleSelection(first: 0, limit: 0))   // 0.48 samples
        XCTAssertEqual(selection(0.0000313, nil).first, 1)                                 // 0.5008 samples
        XCTAssertEqual(selection(-3, 0), SampleSelection(first: 0, limit: nil))            // duration 0: all
        XCTAssertEqual(selection(7200.5, -1), SampleSelection(first: 115_208_000, limit: nil))
    }

    func testRangeWithinARecording() {
        XCTAssertEqual(SampleSelection(first: 10, limit: 5).range(in: 100), 10..<15)
        XCTAssertEqual(SampleSelection(first: 10, limit: 500).range(in: 100), 10..<100)
        XCTAssertEqual(SampleSelection(first: 10, limit: nil).range(in: 100), 10..<100)
        XCTAssertEqual(SampleSelection(first: 150, limit: 5).range(in: 100), 100..<100)
        XCTAssertEqual(SampleSelection(first: 0, limit: 0).range(in: 100), 0..<0)
    }

    func testAbsurdValuesDoNotTrap() {
        XCTAssertEqual(selection(.nan, .nan), SampleSelection(first: 0, limit: nil))
        XCTAssertEqual(selection(-.infinity, .infinity), SampleSelection(first: 0, limit: nil))
        XCTAssertEqual(selection(1e300, 1e300).limit, nil)
        XCTAssertEqual(selection(.infinity, nil).range(in: 1000), 1000..<1000)
        XCTAssertEqual(selection(1e300, nil).range(in: 1000), 1000..<1000)
    }
}
