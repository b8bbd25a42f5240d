import XCTest
@testable import WhisperCore
@testable import WhisperPlatform
final class VersionTests: XCTestCase { func testVersion() { XCTAssertFalse(WhisperCore.version.isEmpty) } }
