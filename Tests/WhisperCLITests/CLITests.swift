import XCTest
final class CLIPlaceholderTests: XCTestCase { func testNothing() { XCTAssertTrue(true) } }
