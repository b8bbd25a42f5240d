import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class UTF8BoundaryTests: XCTestCase {
    private func incomplete(_ bytes: [UInt8]) -> Int { UTF8Boundary.incompleteSuffixLength(of: bytes) }

    func testHandPickedCases() {
        XCTAssertEqual(incomplete([]), 0)
        XCTAssertEqual(incomplete(Array("abc".utf8)), 0)
        XCTAssertEqual(incomplete(Array("日".utf8)), 0)
        XCTAssertEqual(incomplete([0x61, 0xE6]), 1)
        XCTAssertEqual(incomplete([0x61, 0xE6, 0x97]), 2)
        XCTAssertEqual(incomplete([0xF0, 0x9F, 0x8E]), 3)          // 🎉 without its last byte
        XCTAssertEqual(incomplete([0xF0, 0x9F, 0x8E, 0x89]), 0)
        XCTAssertEqual(incomplete([0xC3]), 1)
        XCTAssertEqual(incomplete([0x97]), 0, "a lone continuation byte can never be completed")
        XCTAssertEqual(incomplete([0xC0]), 0, "overlong lead")
        XCTAssertEqual(incomplete([0xF5]), 0, "beyond U+10FFFF")
        XCTAssertEqual(incomplete([0xE0, 0x80]), 0, "overlong three-byte form")
        XCTAssertEqual(incomplete([0xE0, 0xA0]), 2)
        XCTAssertEqual(incomplete([0xED, 0xA0]), 0, "surrogate")
        XCTAssertEqual(incomplete([0xED, 0x9F]), 2)
        XCTAssertEqual(incomplete([0xF4, 0x90]), 0, "beyond U+10FFFF")
        XCTAssertEqual(incomplete([0xF0, 0x8F]), 0, "overlong four-byte form")
        XCTAssertEqual(incomplete([0xE6, 0x97, 0xA5, 0xE6]), 1)
        XCTAssertEqual(incomplete([0xE6, 0x41]), 0)
    }

    /// The proper prefixes (1–3 bytes) of the UTF-8 encodings of all Unicode scalars.
    private static let properPrefixes: Set<[UInt8]> = {
        var prefixes = Set<[UInt8]>()
        for value in UInt32(0) ... 0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            var bytes: [UInt8] = []
            UTF8.encode(scalar) { bytes.append($0) }
            for length in 1 ..< bytes.count { prefixes.insert(Array(bytes.prefix(length))) }
        }
        return prefixes
    }()

    /// Independent answer: the trailing k bytes are an unfinished character iff they are a proper
    /// prefix of some scalar's encoding.
    private func oracle(_ bytes: [UInt8]) -> Int {
        for k in 1 ... 3 where k <= bytes.count {
            if Self.properPrefixes.contains(Array(bytes.suffix(k))) { return k }
        }
        return 0
    }

    func testAgreesWithAllScalarEncodings() {
        for a in 0 ... 255 {
            XCTAssertEqual(incomplete([UInt8(a)]), oracle([UInt8(a)]), "\([a])")
            for b in 0 ... 255 {
                let bytes = [UInt8(a), UInt8(b)]
                if incomplete(bytes) != oracle(bytes) { XCTFail("\(bytes)") }
            }
        }
        // Three and four bytes, over bytes that sit on every boundary of the UTF-8 tables.
        let edges: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
                              0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for a in edges { for b in edges { for c in edges {
            if incomplete([a, b, c]) != oracle([a, b, c]) { XCTFail("\([a, b, c])") }
            for d in [UInt8(0x80), 0xBF, 0x41, 0xF0] where incomplete([a, b, c, d]) != oracle([a, b, c, d]) {
                XCTFail("\([a, b, c, d])")
            }
        } } }
    }
}
