import Dispatch
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The tokenizer on small hand-made vocabularies, where every expected result is worked out by hand.
final class TokenizerTests: XCTestCase {
    /// The 256 single bytes as tokens 0–255 (rank = byte value), then `merges` from 256 on.
    private func vocabulary(_ merges: [String]) -> [[UInt8]] {
        (0 ... 255).map { [UInt8($0)] } + merges.map { Array($0.utf8) }
    }

    private func tokenizer(_ merges: [String], vocabularySize: Int = 51864) throws -> Tokenizer {
        try Tokenizer(vocabulary: vocabulary(merges), vocabularySize: vocabularySize)
    }

    func testLowestRankMergesFirst() throws {
        // "abc": "ab" (256) outranks "bc" (257), then "abc" (258) joins the parts.
        XCTAssertEqual(try tokenizer(["ab", "bc", "abc"]).encode("abc"), [258])
        // With "bc" ranked first, "abc" still forms, from a + bc.
        XCTAssertEqual(try tokenizer(["bc", "ab", "abc"]).encode("abc"), [258])
        // Which pair merges first decides what can form next.
        XCTAssertEqual(try tokenizer(["ab", "bc", "bcd"]).encode("abcd"), [256, 99, 100])
        XCTAssertEqual(try tokenizer(["bc", "ab", "bcd"]).encode("abcd"), [97, 258])
        // Without "abc", the first merge decides.
        XCTAssertEqual(try tokenizer(["ab", "bc"]).encode("abc"), [256, 99])
        XCTAssertEqual(try tokenizer(["bc", "ab"]).encode("abc"), [97, 256])
    }

    func testTiesMergeLeftmostFirst() throws {
        // "aaaaa": all four pairs are "aa"; leftmost first gives aa|aa|a, then aaaa|a.
        let t = try tokenizer(["aa", "aaaa"])
        XCTAssertEqual(t.encode("aaaaa"), [257, 97])
        XCTAssertEqual(t.encode("aaa"), [256, 97])
        XCTAssertEqual(t.encode("aaaa"), [257])
        // With "aaa": aa|a|a|a, then the leftmost "aa" (256) beats "aaa" (257): aa|aa|a, then aa|aaa.
        XCTAssertEqual(try tokenizer(["aa", "aaa"]).encode("aaaaa"), [256, 257])
    }

    func testMergesNeverCrossPieces() throws {
        let t = try tokenizer(["ab", " a", " b", "a b", "b1"])
        // " b" is a piece start, "a b" would cross the boundary between "a" and " b".
        XCTAssertEqual(t.encode("a b"), [97, 258])
        XCTAssertEqual(t.encode("b1"), [98, 49])
        // In " ab", "ab" (256) outranks " a" (257); " ab" is no token.
        XCTAssertEqual(t.encode(" ab"), [32, 256])
    }

    func testMultiByteCharactersStartAsBytes() throws {
        // "é" is C3 A9; with no merges it is two tokens, with the merge one.
        XCTAssertEqual(try tokenizer([]).encode("é"), [0xC3, 0xA9])
        XCTAssertEqual(try tokenizer(["é"]).encode("é"), [256])
        XCTAssertEqual(try tokenizer(["é"]).encode(" é"), [32, 256])
    }

    func testEmptyAndWhitespace() throws {
        let t = try tokenizer(["  "])
        XCTAssertEqual(t.encode(""), [])
        XCTAssertEqual(t.encode(" "), [32])
        XCTAssertEqual(t.encode("   "), [256, 32])
        XCTAssertEqual(t.encode("   x"), [256, 32, 120])   // pieces "  ", " x"
        XCTAssertEqual(t.encode("\n\n"), [10, 10])
    }

    func testFirstIdOfADuplicatedTokenWins() throws {
        var words = vocabulary(["ab", "cd"])
        words.append(Array("ab".utf8))   // 258 duplicates 256
        let t = try Tokenizer(vocabulary: words, vocabularySize: 51864)
        XCTAssertEqual(t.encode("ab"), [256])
        XCTAssertEqual(t.token(forBytes: Array("ab".utf8)), 256)
        XCTAssertEqual(t.decode([258]), "ab")
    }

    func testEntriesAtSpecialIdsAreNotMergeable() throws {
        // tiny.en lists "<|endoftext|>" as text at id 50256; an entry there must never be produced.
        var words = vocabulary([])
        words += Array(repeating: [0], count: 50256 - words.count)
        words.append(Array("ab".utf8))
        XCTAssertEqual(words.count, 50257)
        let english = try Tokenizer(vocabulary: words, vocabularySize: 51864)
        XCTAssertEqual(english.encode("ab"), [97, 98])
        XCTAssertNil(english.bytes(of: 50256))
        // For the multilingual layout, id 50256 is an ordinary token.
        let multilingual = try Tokenizer(vocabulary: words, vocabularySize: 51865)
        XCTAssertEqual(multilingual.encode("ab"), [50256])
        XCTAssertEqual(multilingual.bytes(of: 50256), Array("ab".utf8))
    }

    func testInvalidVocabulariesAreRejected() throws {
        XCTAssertThrowsError(try tokenizer([], vocabularySize: 1000)) { error in
            XCTAssertEqual(error as? TokenizerError, .unsupportedVocabularySize(1000))
        }
        var missing = vocabulary([])
        missing.remove(at: 0x80)
        XCTAssertThrowsError(try Tokenizer(vocabulary: missing, vocabularySize: 51864)) { error in
            XCTAssertEqual(error as? TokenizerError, .missingByteToken(0x80))
            XCTAssertTrue("\(error)".contains("0x80"))
        }
        let tooMany = Array(repeating: [UInt8](), count: 51865)
        XCTAssertThrowsError(try Tokenizer(vocabulary: tooMany, vocabularySize: 51864)) { error in
            XCTAssertEqual(error as? TokenizerError, .tooManyTokens(listed: 51865, vocabularySize: 51864))
        }
        XCTAssertThrowsError(try Tokenizer(vocabulary: [], vocabularySize: 51864))
    }

    func testDecodingJoinsBytesBeforeReadingUTF8() throws {
        let t = try tokenizer(["\u{65E5}"])     // 日 = E6 97 A5
        XCTAssertEqual(t.decode([0xE6, 0x97, 0xA5]), "日")
        XCTAssertEqual(t.decodeBytes([0xE6, 0x97]), [0xE6, 0x97])
        // A cut character becomes one U+FFFD; a stray continuation byte another.
        XCTAssertEqual(t.decode([0xE6, 0x97]), "\u{FFFD}")
        XCTAssertEqual(t.decode([0xE6, 0x97, 65]), "\u{FFFD}A")
        XCTAssertEqual(t.decode([0xA5, 256]), "\u{FFFD}日")
        XCTAssertEqual(t.bytes(of: 256), [0xE6, 0x97, 0xA5])
        XCTAssertNil(t.bytes(of: 257), "not listed in the file")
        XCTAssertNil(t.bytes(of: 50256), "special")
        XCTAssertNil(t.bytes(of: -1))
        XCTAssertEqual(t.decode([257, 104, 105]), "hi", "unlisted ids decode to nothing")
    }

    func testSpecialTokensDecodeToNamesOnRequest() throws {
        let t = try tokenizer([])
        let s = t.specialTokens
        let tokens = [s.startOfTranscript, s.noTimestamps, 104, 105, s.timestampBegin + 54, s.endOfText]
        XCTAssertEqual(t.decode(tokens), "hi")
        XCTAssertEqual(t.decode(tokens, includeSpecial: true),
                       "<|startoftranscript|><|notimestamps|>hi<|1.08|><|endoftext|>")
    }

    func testEndsInsideCharacter() throws {
        let t = try tokenizer(["\u{65E5}"])
        let s = t.specialTokens
        XCTAssertFalse(t.endsInsideCharacter([Int]()))
        XCTAssertFalse(t.endsInsideCharacter([104]))
        XCTAssertTrue(t.endsInsideCharacter([0xE6]))
        XCTAssertTrue(t.endsInsideCharacter([104, 0xE6, 0x97]))
        XCTAssertFalse(t.endsInsideCharacter([0xE6, 0x97, 0xA5]))
        XCTAssertFalse(t.endsInsideCharacter([256]))
        // Skipped special tokens do not end the character...
        XCTAssertTrue(t.endsInsideCharacter([0xE6, s.timestampBegin]))
        // ...but printed ones do.
        XCTAssertFalse(t.endsInsideCharacter([0xE6, s.timestampBegin], includeSpecial: true))
        // Bytes that no continuation can repair are not "inside a character".
        XCTAssertFalse(t.endsInsideCharacter([0x97]))
        XCTAssertFalse(t.endsInsideCharacter([0xC0]))
    }

    func testDescribe() throws {
        let t = try tokenizer(["\u{65E5}", "ab"])
        XCTAssertEqual(t.describe(257), "ab")
        XCTAssertEqual(t.describe(256), "日")
        XCTAssertEqual(t.describe(0xE6), "<0xe6>")
        XCTAssertEqual(t.describe(t.specialTokens.endOfText), "<|endoftext|>")
        XCTAssertEqual(t.describe(-3), "<invalid token -3>")
    }

    func testLongPiecesStayFast() throws {
        // A 100 000-letter word is one piece; merging must not be quadratic in its length.
        let t = try tokenizer(["aa", "aaaa", "aaaaaaaa"])
        let start = DispatchTime.now().uptimeNanoseconds
        let tokens = t.encode(String(repeating: "a", count: 100_000))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        XCTAssertEqual(tokens, Array(repeating: 258, count: 12_500))
        XCTAssertLessThan(seconds, 10, "encoding took \(seconds) s")
    }
}
