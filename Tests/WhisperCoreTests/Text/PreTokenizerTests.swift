import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class PreTokenizerTests: XCTestCase {
    private func pieces(_ text: String) -> [String] { PreTokenizer.pieces(of: text) }

    func testHandWorkedExamples() {
        XCTAssertEqual(pieces(""), [])
        XCTAssertEqual(pieces("Hello world"), ["Hello", " world"])
        // A whitespace run gives its last space to the following word...
        XCTAssertEqual(pieces("   leading"), ["  ", " leading"])
        // ...but keeps all of it at the end of the text.
        XCTAssertEqual(pieces("end   "), ["end", "   "])
        // A lone tab before a word is its own piece (only a space joins a word).
        XCTAssertEqual(pieces("tabs\tand"), ["tabs", "\t", "and"])
        XCTAssertEqual(pieces("a\n\nb"), ["a", "\n", "\n", "b"])
        XCTAssertEqual(pieces("a \n b"), ["a", " \n", " b"])
        // Contractions, lower case only.
        XCTAssertEqual(pieces("don't"), ["don", "'t"])
        XCTAssertEqual(pieces("DON'T"), ["DON", "'", "T"])
        XCTAssertEqual(pieces("we'll they've I'm"), ["we", "'ll", " they", "'ve", " I", "'m"])
        XCTAssertEqual(pieces("'sup"), ["'s", "up"])
        XCTAssertEqual(pieces("!'s"), ["!'", "s"])
        // Letters, numbers and other symbols never share a piece.
        XCTAssertEqual(pieces("abc123def"), ["abc", "123", "def"])
        XCTAssertEqual(pieces(" 3.14"), [" 3", ".", "14"])
        XCTAssertEqual(pieces("x²"), ["x", "²"])
        // A combining mark is not a letter.
        XCTAssertEqual(pieces("cafe\u{301}"), ["cafe", "\u{301}"])
        // No-break space is whitespace but not the space the pattern lets lead a word.
        XCTAssertEqual(pieces("a\u{A0}b"), ["a", "\u{A0}", "b"])
        XCTAssertEqual(pieces("日本語 です"), ["日本語", " です"])
    }

    func testMatchesPythonRegexOnFixtures() {
        // Piece lengths from Python's `regex` module running GPT-2's pattern (see TokenizerFixtures).
        for fixture in TokenizerFixtures.edgeCases + TokenizerFixtures.randomCases {
            let lengths = pieces(fixture.text).map { $0.unicodeScalars.count }
            XCTAssertEqual(lengths, SharedTokenizers.numbers(fixture.pieceLengths),
                           "pieces of \(fixture.text.debugDescription)")
        }
    }

    func testPiecesCoverTheText() {
        for fixture in TokenizerFixtures.randomCases {
            XCTAssertEqual(pieces(fixture.text).joined().unicodeScalars.elementsEqual(fixture.text.unicodeScalars), true)
        }
    }

    func testScalarClassesFollowUnicodeProperties() {
        typealias C = PreTokenizer.ScalarClass
        XCTAssertEqual(C("a"), .letter)
        XCTAssertEqual(C("ǅ"), .letter)        // Lt
        XCTAssertEqual(C("ʰ"), .letter)        // Lm
        XCTAssertEqual(C("日"), .letter)       // Lo
        XCTAssertEqual(C("7"), .number)
        XCTAssertEqual(C("Ⅻ"), .number)        // Nl
        XCTAssertEqual(C("½"), .number)        // No
        XCTAssertEqual(C("٣"), .number)        // Arabic-Indic digit
        for whitespace in ["\t", "\n", "\u{B}", "\u{C}", "\r", " ", "\u{85}", "\u{A0}", "\u{1680}",
                           "\u{2000}", "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}"] {
            XCTAssertEqual(C(whitespace.unicodeScalars.first!), .whitespace, whitespace.debugDescription)
        }
        // Not whitespace for the `regex` module: file separators, zero-width space, BOM.
        for other in ["\u{1C}", "\u{1F}", "\u{200B}", "\u{FEFF}", "\u{0}", "\u{301}", "'", "🎉"] {
            XCTAssertEqual(C(other.unicodeScalars.first!), .other, other.debugDescription)
        }
    }
}
