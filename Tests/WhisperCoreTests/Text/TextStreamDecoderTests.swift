import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class TextStreamDecoderTests: XCTestCase {
    private func stream(_ tokenizer: Tokenizer, _ tokens: [Int], includeSpecial: Bool = false) -> [String] {
        var decoder = TextStreamDecoder(tokenizer: tokenizer, includeSpecial: includeSpecial)
        var pieces = tokens.map { decoder.append($0) }
        pieces.append(decoder.finish())
        XCTAssertFalse(decoder.hasPendingBytes)
        return pieces
    }

    func testHoldsBackSplitCharacters() throws {
        let t = try Tokenizer(vocabulary: (0 ... 255).map { [UInt8($0)] }, vocabularySize: 51864)
        var decoder = TextStreamDecoder(tokenizer: t)
        XCTAssertEqual(decoder.append(0x61), "a")
        XCTAssertEqual(decoder.append(0xE6), "")
        XCTAssertTrue(decoder.hasPendingBytes)
        XCTAssertEqual(decoder.append(t.specialTokens.timestampBegin), "")
        XCTAssertEqual(decoder.append(0x97), "")
        XCTAssertEqual(decoder.append(0xA5), "日")
        XCTAssertFalse(decoder.hasPendingBytes)
        XCTAssertEqual(decoder.append(0xE6), "")
        XCTAssertEqual(decoder.finish(), "\u{FFFD}")
    }

    func testJoinedPiecesEqualWholeDecoding() throws {
        // Random sequences of single-byte tokens, rich in lead and continuation bytes: however
        // they cut characters, the streamed pieces join to what decoding everything at once gives.
        let t = try Tokenizer(vocabulary: (0 ... 255).map { [UInt8($0)] }, vocabularySize: 51864)
        let bytes: [Int] = [0x41, 0x20, 0x80, 0x97, 0xA5, 0xBF, 0xC3, 0xA9, 0xC0, 0xE0, 0xA0, 0xE6, 0xED,
                            0xF0, 0x9F, 0x90, 0xF4, 0x8F, 0xFF, t.specialTokens.endOfText]
        var generator = SplitMix64(seed: 20240607)
        for _ in 0 ..< 2000 {
            let tokens = (0 ..< Int.random(in: 0 ... 12, using: &generator)).map { _ in
                bytes.randomElement(using: &generator)!
            }
            for includeSpecial in [false, true] {
                let pieces = stream(t, tokens, includeSpecial: includeSpecial)
                XCTAssertTrue(pieces.joined().unicodeScalars.elementsEqual(
                    t.decode(tokens, includeSpecial: includeSpecial).unicodeScalars), "\(tokens)")
            }
        }
    }

    func testStreamsRealTextWithoutReplacementCharacters() throws {
        let tokenizer = try SharedTokenizers.multilingual()
        for fixture in TokenizerFixtures.edgeCases + TokenizerFixtures.randomCases {
            let tokens = tokenizer.encode(fixture.text)
            let pieces = stream(tokenizer, tokens)
            XCTAssertTrue(pieces.joined().unicodeScalars.elementsEqual(fixture.text.unicodeScalars))
            XCTAssertFalse(pieces.joined().unicodeScalars.contains("\u{FFFD}"))
            // endsInsideCharacter agrees with where the prefixes' bytes end in the text.
            let boundaries = Set(fixture.text.unicodeScalars.indices.map {
                fixture.text.utf8.distance(from: fixture.text.utf8.startIndex, to: $0)
            })
            for k in 0 ... tokens.count {
                let prefix = Array(tokens.prefix(k))
                let length = tokenizer.decodeBytes(prefix).count
                let atBoundary = boundaries.contains(length) || length == fixture.text.utf8.count
                XCTAssertEqual(tokenizer.endsInsideCharacter(prefix), !atBoundary,
                               "\(fixture.text.debugDescription) after \(k) tokens")
            }
        }
    }
}

/// A small seeded generator, so the random cases are the same on every run.
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
