import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class LanguageTests: XCTestCase {
    func testOrderMatchesWhisper() {
        // Whisper's language order (the token order), as written in the task description and
        // in ../shared/tools/whisper_reference.py.
        let codes = """
            en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta \
            no th ur hr bg lt la mi ml cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs \
            kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am yi lo uz fo ht ps tk nn mt \
            sa lb my bo tl mg as tt haw ln ha ba jw su yue
            """.split(separator: " ").map(String.init)
        XCTAssertEqual(Language.all.map(\.code), codes)
        XCTAssertEqual(Language.all.map(\.index), Array(0 ..< 100))
        XCTAssertEqual(Set(Language.all.map(\.name)).count, 100, "names are unique")
    }

    func testLookupByCodeAndName() {
        XCTAssertEqual(Language(code: "de")?.name, "german")
        XCTAssertEqual(Language(code: "DE")?.name, "german")
        XCTAssertEqual(Language(code: "en")?.name, "english")
        XCTAssertEqual(Language(code: "haw")?.name, "hawaiian")
        XCTAssertEqual(Language(code: "yue")?.name, "cantonese")
        XCTAssertEqual(Language(code: "yue")?.index, 99)
        XCTAssertNil(Language(code: "xx"))
        XCTAssertNil(Language(code: "german"))

        XCTAssertEqual(Language(name: "German")?.code, "de")
        XCTAssertEqual(Language(name: "haitian creole")?.code, "ht")
        XCTAssertEqual(Language(name: "Mandarin")?.code, "zh")
        XCTAssertEqual(Language(name: "castilian")?.code, "es")
        XCTAssertNil(Language(name: "de"))
        XCTAssertNil(Language(name: "klingon"))

        XCTAssertEqual(Language.find("fr")?.name, "french")
        XCTAssertEqual(Language.find("French")?.code, "fr")
        XCTAssertNil(Language.find(""))
        XCTAssertEqual(Language(code: "ja")?.tokenName, "<|ja|>")
        XCTAssertEqual(Language(code: "ja")?.description, "ja")
    }

    func testEveryNameAndCodeRoundTrips() {
        for language in Language.all {
            XCTAssertEqual(Language(code: language.code), language)
            XCTAssertEqual(Language(name: language.name), language)
        }
    }

    func testLanguageTokensCoverTheLayout() throws {
        for n in [51865, 51866] {
            let t = try SpecialTokens(vocabularySize: n)
            for (offset, language) in t.languages.enumerated() {
                XCTAssertEqual(t.token(for: language), t.startOfTranscript + 1 + offset)
                XCTAssertEqual(t.language(of: t.startOfTranscript + 1 + offset), language)
                XCTAssertEqual(t.name(of: t.startOfTranscript + 1 + offset), "<|\(language.code)|>")
            }
            XCTAssertEqual(t.languageTokens.upperBound, t.translate)
        }
    }
}
