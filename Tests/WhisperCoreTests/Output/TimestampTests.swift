import XCTest
@testable import WhisperCore

/// hh:mm:ss.mmm past one hour, past 100 hours, and never negative.
final class TimestampTests: XCTestCase {
    func testUnderAnHour() {
        XCTAssertEqual(Timestamp.format(0), "00:00:00.000")
        XCTAssertEqual(Timestamp.format(11.0), "00:00:11.000")
        XCTAssertEqual(Timestamp.format(59 * 60 + 59.9994), "00:59:59.999")
        XCTAssertEqual(Timestamp.format(125.5, alwaysIncludeHours: false), "02:05.500")
    }

    func testPastOneHour() {
        XCTAssertEqual(Timestamp.format(59 * 60 + 59.9996), "01:00:00.000")   // rounds up into the hour
        XCTAssertEqual(Timestamp.format(3600), "01:00:00.000")
        XCTAssertEqual(Timestamp.format(3600 + 62.345), "01:01:02.345")
        XCTAssertEqual(Timestamp.format(2 * 3600 - 0.001), "01:59:59.999")
        XCTAssertEqual(Timestamp.format(7199.98, separator: ","), "01:59:59,980")
        // Without forced hours, they appear as soon as there are any.
        XCTAssertEqual(Timestamp.format(3661.5, alwaysIncludeHours: false), "01:01:01.500")
        XCTAssertEqual(Timestamp.format(10 * 3600 + 0.02), "10:00:00.020")
    }

    func testPastOneHundredHours() {
        XCTAssertEqual(Timestamp.format(100 * 3600), "100:00:00.000")
        XCTAssertEqual(Timestamp.format(123 * 3600 + 45 * 60 + 6.789), "123:45:06.789")
        XCTAssertEqual(Timestamp.format(9999 * 3600 + 59 * 60 + 59.999, separator: ","), "9999:59:59,999")
    }

    func testNeverNegative() {
        for t in [-0.0, -0.0004, -0.001, -1, -3600, -987.28, -.infinity, .nan] {
            XCTAssertEqual(Timestamp.milliseconds(t), 0, "\(t)")
            XCTAssertEqual(Timestamp.format(t), "00:00:00.000", "\(t)")
            XCTAssertEqual(Timestamp.format(t, alwaysIncludeHours: false), "00:00.000", "\(t)")
            XCTAssertFalse(Timestamp.format(t, separator: ",").contains("-"))
        }
    }

    func testHugeValuesDoNotTrap() {
        for t in [1e300, .infinity, Double(Int.max)] {
            let text = Timestamp.format(t)
            XCTAssertFalse(text.contains("-"), text)
            XCTAssertTrue(text.hasSuffix(".807"), text)   // Int.max milliseconds
        }
    }
}
