import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The tokenizer on the real vocabularies, against references made by other implementations:
/// ../shared/reference/tokenizer (tiktoken's algorithm) and TokenizerFixtures (the Python reference).
final class TokenizerReferenceTests: XCTestCase {
    /// `strings.txt` and the matching `bpe-*.tsv` lines: text TAB comma-separated ids.
    private func referenceCases(_ tsv: String) throws -> [(text: String, ids: [Int])] {
        let strings = try String(contentsOfFile: SharedData.reference("tokenizer/strings.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lines = try String(contentsOfFile: SharedData.reference("tokenizer/" + tsv), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 13)
        return try lines.enumerated().map { index, line in
            // The text may itself hold tabs, so the ids are after the last one.
            let tab = try XCTUnwrap(line.lastIndex(of: "\t"), "line \(index + 1) of \(tsv)")
            let text = String(line[..<tab])
            XCTAssertEqual(text, strings[index], "\(tsv) line \(index + 1) repeats strings.txt")
            let ids = try line[line.index(after: tab)...].split(separator: ",").map { try XCTUnwrap(Int($0)) }
            return (text, ids)
        }
    }

    private func check(_ tokenizer: Tokenizer, against tsv: String) throws {
        let cases = try referenceCases(tsv)
        for (text, ids) in cases {
            XCTAssertEqual(tokenizer.encode(text), ids, "\(tsv): \(text.debugDescription)")
            XCTAssertEqual(tokenizer.decodeBytes(ids), Array(text.utf8), "decoding \(text.debugDescription)")
        }
    }

    func testEnglishMatchesReferenceFile() throws {
        try check(SharedTokenizers.english(), against: "bpe-en.tsv")
    }

    func testMultilingualMatchesReferenceFile() throws {
        try check(SharedTokenizers.multilingual(), against: "bpe-multilingual.tsv")
    }

    func testLargeV3SharesTheMultilingualEncoding() throws {
        try check(SharedTokenizers.largeV3(), against: "bpe-multilingual.tsv")
    }

    private func checkFixtures(_ tokenizer: Tokenizer, _ expected: KeyPath<TokenizerFixtureCase, String>) {
        var mismatches = 0
        for fixture in TokenizerFixtures.edgeCases + TokenizerFixtures.randomCases {
            let ids = tokenizer.encode(fixture.text)
            let want = SharedTokenizers.numbers(fixture[keyPath: expected])
            if ids != want { mismatches += 1 }
            XCTAssertEqual(ids, want, "encoding \(fixture.text.debugDescription)")
            // Byte-exact round trip.
            XCTAssertEqual(tokenizer.decodeBytes(ids), Array(fixture.text.utf8),
                           "decoding \(fixture.text.debugDescription)")
            XCTAssertTrue(tokenizer.decode(ids).unicodeScalars.elementsEqual(fixture.text.unicodeScalars))
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testEnglishMatchesPythonOnFixtures() throws {
        checkFixtures(try SharedTokenizers.english(), \.english)
    }

    func testMultilingualMatchesPythonOnFixtures() throws {
        checkFixtures(try SharedTokenizers.multilingual(), \.multilingual)
    }

    func testDecodingWithReplacementMatchesPython() throws {
        // Python's bytes.decode("utf-8", errors="replace") of every prefix of some token sequences.
        let tokenizer = try SharedTokenizers.english()
        for fixture in TokenizerFixtures.decodeCases {
            let tokens = SharedTokenizers.numbers(fixture.tokens)
            XCTAssertTrue(tokenizer.decode(tokens).unicodeScalars.elementsEqual(fixture.text.unicodeScalars),
                          "\(tokens): \(tokenizer.decode(tokens).debugDescription) vs \(fixture.text.debugDescription)")
        }
    }

    func testNonSpeechTokensMatchPython() throws {
        let english = try SharedTokenizers.english()
        XCTAssertEqual(english.nonSpeechTokens(), SharedTokenizers.numbers(TokenizerFixtures.englishNonSpeech))
        XCTAssertEqual(english.blankTokens(), SharedTokenizers.numbers(TokenizerFixtures.englishBlank))
        let multilingual = try SharedTokenizers.multilingual()
        XCTAssertEqual(multilingual.nonSpeechTokens(),
                       SharedTokenizers.numbers(TokenizerFixtures.multilingualNonSpeech))
        XCTAssertEqual(multilingual.blankTokens(), SharedTokenizers.numbers(TokenizerFixtures.multilingualBlank))
    }

    func testNonSpeechTokensMatchOpenAIsPublishedLists() throws {
        // The start of the suppress lists OpenAI's tokenizer yields, as published in the
        // `suppress_tokens` of Hugging Face's generation configs for whisper-tiny.en / whisper-tiny.
        XCTAssertEqual(Array(try SharedTokenizers.english().nonSpeechTokens().prefix(30)),
                       [1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92,
                        93, 357, 366, 438, 532, 685, 705, 796])
        XCTAssertEqual(Array(try SharedTokenizers.multilingual().nonSpeechTokens().prefix(30)),
                       [1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92,
                        93, 359, 503, 522, 542, 873, 893, 902])
    }

    func testSpecialTokensOfTheModels() throws {
        let english = try SharedTokenizers.english()
        XCTAssertEqual(english.vocabularySize, 51864)
        XCTAssertEqual(english.specialTokens.endOfText, 50256)
        // tiny.en stores `<|endoftext|>` as text at id 50256; it must not come out of encoding.
        XCTAssertEqual(english.encode("<|endoftext|>"), [27, 91, 437, 1659, 5239, 91, 29])
        XCTAssertEqual(english.decode([50256], includeSpecial: true), "<|endoftext|>")
        XCTAssertEqual(english.decode([50256]), "")

        let multilingual = try SharedTokenizers.multilingual()
        XCTAssertEqual(multilingual.vocabularySize, 51865)
        XCTAssertEqual(multilingual.specialTokens.languages.count, 99)
        XCTAssertEqual(try SharedTokenizers.largeV3().specialTokens.languages.count, 100)
    }

    func testDecodingWithSpecialTokens() throws {
        let tokenizer = try SharedTokenizers.multilingual()
        let t = tokenizer.specialTokens
        let hello = tokenizer.encode(" Hello")
        let tokens = [t.startOfTranscript, t.token(for: Language(code: "de")!)!, t.transcribe,
                      t.timestampBegin] + hello + [t.timestampBegin + 54, t.endOfText]
        XCTAssertEqual(tokenizer.decode(tokens), " Hello")
        XCTAssertEqual(tokenizer.decode(tokens, includeSpecial: true),
                       "<|startoftranscript|><|de|><|transcribe|><|0.00|> Hello<|1.08|><|endoftext|>")
        // Ids that are no token contribute nothing.
        XCTAssertEqual(tokenizer.decode([-5, 51865, Int.max] + hello + [Int.min], includeSpecial: true), " Hello")
    }
}
