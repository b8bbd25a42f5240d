import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class SpecialTokensTests: XCTestCase {
    // The ids below are OpenAI's (whisper/tokenizer.py with tiktoken), as every Whisper
    // implementation and model card lists them.

    func testEnglishOnlyLayout() throws {
        let t = try SpecialTokens(vocabularySize: 51864)
        XCTAssertFalse(t.isMultilingual)
        XCTAssertEqual(t.endOfText, 50256)
        XCTAssertEqual(t.startOfTranscript, 50257)
        XCTAssertEqual(t.translate, 50357)
        XCTAssertEqual(t.transcribe, 50358)
        XCTAssertEqual(t.startOfLM, 50359)
        XCTAssertEqual(t.startOfPrevious, 50360)
        XCTAssertEqual(t.noSpeech, 50361)
        XCTAssertEqual(t.noTimestamps, 50362)
        XCTAssertEqual(t.timestampBegin, 50363)
        XCTAssertEqual(t.timestampEnd, 51863)
        XCTAssertEqual(t.languageSlotCount, 99)
        XCTAssertEqual(t.languages, [])
        XCTAssertEqual(t.languageTokens.count, 0)
        XCTAssertNil(t.token(for: Language(code: "en")!))
        XCTAssertNil(t.language(of: 50258))
        XCTAssertTrue(t.isLanguage(50258))
    }

    func testMultilingualLayout() throws {
        let t = try SpecialTokens(vocabularySize: 51865)
        XCTAssertTrue(t.isMultilingual)
        XCTAssertEqual(t.endOfText, 50257)
        XCTAssertEqual(t.startOfTranscript, 50258)
        XCTAssertEqual(t.translate, 50358)
        XCTAssertEqual(t.transcribe, 50359)
        XCTAssertEqual(t.startOfLM, 50360)
        XCTAssertEqual(t.startOfPrevious, 50361)
        XCTAssertEqual(t.noSpeech, 50362)
        XCTAssertEqual(t.noTimestamps, 50363)
        XCTAssertEqual(t.timestampBegin, 50364)
        XCTAssertEqual(t.timestampEnd, 51864)
        XCTAssertEqual(t.languages.count, 99)
        XCTAssertEqual(t.languageTokens, 50259 ..< 50358)
        XCTAssertEqual(t.token(for: Language(code: "en")!), 50259)
        XCTAssertEqual(t.token(for: Language(code: "de")!), 50261)
        XCTAssertEqual(t.token(for: Language(code: "su")!), 50357)
        XCTAssertNil(t.token(for: Language(code: "yue")!), "Cantonese arrived with large-v3")
        XCTAssertEqual(t.language(of: 50259)?.code, "en")
        XCTAssertEqual(t.language(of: 50357)?.code, "su")
        XCTAssertNil(t.language(of: 50358))
        XCTAssertNil(t.language(of: 50258))
    }

    func testLargeV3Layout() throws {
        let t = try SpecialTokens(vocabularySize: 51866)
        XCTAssertTrue(t.isMultilingual)
        XCTAssertEqual(t.endOfText, 50257)
        XCTAssertEqual(t.startOfTranscript, 50258)
        XCTAssertEqual(t.languages.count, 100)
        XCTAssertEqual(t.token(for: Language(code: "yue")!), 50358)
        XCTAssertEqual(t.translate, 50359)
        XCTAssertEqual(t.transcribe, 50360)
        XCTAssertEqual(t.noSpeech, 50363)
        XCTAssertEqual(t.noTimestamps, 50364)
        XCTAssertEqual(t.timestampBegin, 50365)
        XCTAssertEqual(t.timestampEnd, 51865)
    }

    func testVocabularySizesThatFitNoModelAreRejected() {
        for n in [0, -1, 50257, 51863, 51867, 52000, Int.max, Int.min] {
            XCTAssertThrowsError(try SpecialTokens(vocabularySize: n), "n_vocab \(n)") { error in
                XCTAssertEqual(error as? TokenizerError, .unsupportedVocabularySize(n))
                XCTAssertTrue("\(error)".contains("\(n)"))
            }
        }
    }

    func testNames() throws {
        let t = try SpecialTokens(vocabularySize: 51865)
        XCTAssertEqual(t.name(of: 50257), "<|endoftext|>")
        XCTAssertEqual(t.name(of: 50258), "<|startoftranscript|>")
        XCTAssertEqual(t.name(of: 50259), "<|en|>")
        XCTAssertEqual(t.name(of: 50260), "<|zh|>")
        XCTAssertEqual(t.name(of: 50357), "<|su|>")
        XCTAssertEqual(t.name(of: 50358), "<|translate|>")
        XCTAssertEqual(t.name(of: 50359), "<|transcribe|>")
        XCTAssertEqual(t.name(of: 50360), "<|startoflm|>")
        XCTAssertEqual(t.name(of: 50361), "<|startofprev|>")
        XCTAssertEqual(t.name(of: 50362), "<|nospeech|>")
        XCTAssertEqual(t.name(of: 50363), "<|notimestamps|>")
        XCTAssertEqual(t.name(of: 50364), "<|0.00|>")
        XCTAssertEqual(t.name(of: 50365), "<|0.02|>")
        XCTAssertEqual(t.name(of: 50364 + 54), "<|1.08|>")
        XCTAssertEqual(t.name(of: 50364 + 500), "<|10.00|>")
        XCTAssertEqual(t.name(of: 51864), "<|30.00|>")
        XCTAssertNil(t.name(of: 51865))
        XCTAssertNil(t.name(of: 50256))
        XCTAssertNil(t.name(of: -1))

        let v3 = try SpecialTokens(vocabularySize: 51866)
        XCTAssertEqual(v3.name(of: 50358), "<|yue|>")
        XCTAssertEqual(v3.name(of: 50359), "<|translate|>")
        XCTAssertEqual(v3.name(of: 50365), "<|0.00|>")

        let en = try SpecialTokens(vocabularySize: 51864)
        XCTAssertEqual(en.name(of: 50256), "<|endoftext|>")
        XCTAssertEqual(en.name(of: 50258), "<|en|>")   // as OpenAI's GPT-2 encoding names it
        XCTAssertEqual(en.name(of: 50362), "<|notimestamps|>")
        XCTAssertEqual(en.name(of: 50363), "<|0.00|>")
        XCTAssertEqual(en.name(of: 51863), "<|30.00|>")
    }

    func testEveryTimestampNameMatchesPythonFormatting() throws {
        // f"<|{i * 0.02:.2f}|>" for all 1501 timestamps, spelled out independently.
        let t = try SpecialTokens(vocabularySize: 51865)
        for i in 0 ..< 1501 {
            let centiseconds = 2 * i
            let expected = "<|\(centiseconds / 100)." + String(format2: centiseconds % 100) + "|>"
            XCTAssertEqual(t.name(of: t.timestampBegin + i), expected)
        }
    }

    func testTimestampConversions() throws {
        let t = try SpecialTokens(vocabularySize: 51864)
        XCTAssertTrue(t.isTimestamp(50363))
        XCTAssertTrue(t.isTimestamp(51863))
        XCTAssertFalse(t.isTimestamp(50362))
        XCTAssertFalse(t.isTimestamp(51864))
        XCTAssertEqual(t.seconds(ofTimestamp: 50363), 0)
        XCTAssertEqual(t.seconds(ofTimestamp: 50363 + 54), 54 * 0.02)
        XCTAssertEqual(t.seconds(ofTimestamp: 51863), 30)
        XCTAssertNil(t.seconds(ofTimestamp: 50000))
        XCTAssertEqual(t.centiseconds(ofTimestamp: 50363 + 54), 108)
        XCTAssertEqual(t.timestampToken(seconds: 0), 50363)
        XCTAssertEqual(t.timestampToken(seconds: 1.08), 50363 + 54)
        XCTAssertEqual(t.timestampToken(seconds: 1.089), 50363 + 54)
        XCTAssertEqual(t.timestampToken(seconds: 1.091), 50363 + 55)
        XCTAssertEqual(t.timestampToken(seconds: 30), 51863)
        XCTAssertNil(t.timestampToken(seconds: 30.02))
        XCTAssertNil(t.timestampToken(seconds: -0.5))
        XCTAssertNil(t.timestampToken(seconds: .nan))
        XCTAssertNil(t.timestampToken(seconds: .infinity))
        for i in 0 ..< 1501 {
            let token = t.timestampBegin + i
            XCTAssertEqual(t.timestampToken(seconds: t.seconds(ofTimestamp: token)!), token)
        }
    }

    func testClassification() throws {
        let t = try SpecialTokens(vocabularySize: 51865)
        XCTAssertTrue(t.isText(0))
        XCTAssertTrue(t.isText(50256))
        XCTAssertFalse(t.isText(50257))
        XCTAssertFalse(t.isText(-1))
        XCTAssertFalse(t.isSpecial(50256))
        XCTAssertTrue(t.isSpecial(50257))
        XCTAssertTrue(t.isSpecial(51864))
        XCTAssertFalse(t.isSpecial(51865))
        XCTAssertTrue(t.isLanguage(50259))
        XCTAssertTrue(t.isLanguage(50357))
        XCTAssertFalse(t.isLanguage(50358))
    }
}

private extension String {
    /// Two decimal digits, zero-padded.
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }
}
