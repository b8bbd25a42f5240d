import XCTest
@testable import WhisperCore
final class VersionTests: XCTestCase { func testVersion() { XCTAssertFalse(WhisperCore.version.isEmpty) } }
