import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class TerminalTextTests: XCTestCase {
    func testControlCharactersAreEscaped() {
        XCTAssertEqual(TerminalText.printable(" And so, my fellow Americans"), " And so, my fellow Americans")
        XCTAssertEqual(TerminalText.printable("a\u{1B}[2Jb"), "a\\u{1b}[2Jb", "an escape sequence is shown, not run")
        XCTAssertEqual(TerminalText.printable("x\u{7}\u{9B}y"), "x\\u{7}\\u{9b}y", "BEL and the C1 CSI")
        XCTAssertEqual(TerminalText.printable("line\n\ttab"), "line\n\ttab")
        XCTAssertEqual(TerminalText.printable("café ☕"), "café ☕")
    }
}
