import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// `-ml N` / `-sow`: pieces of at most N characters, cut between tokens (or words), with times
/// shared in proportion to characters.
final class SegmentSplitterTests: XCTestCase {
    /// whisper.cpp's `-ml 16` on the same tokens cuts the text at the same places (its times come
    /// from per-token timestamps, which this engine does not have, so only the texts are compared).
    func testTextsMatchWhisperCppMaxLength16() throws {
        let tokenizer = try SharedTokenizers.english()
        let data = try Data(contentsOf: URL(fileURLWithPath: try SharedData.reference("cli/tiny.en-synthetic-f16.jfk.greedy.json")))
        // whisper.cpp's JSON can hold invalid UTF-8; read it leniently.
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(String(decoding: data, as: UTF8.self).utf8)) as? [String: Any])
        let item = try XCTUnwrap((json["transcription"] as? [[String: Any]])?.first)
        let ids = try XCTUnwrap(item["tokens"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
            .filter { $0 < tokenizer.specialTokens.endOfText }   // whisper.cpp's timestamp ids differ
        let segment = Segment(start: 0.72, end: 27.24, text: tokenizer.decode(ids), tokens: ids)
        let pieces = SegmentSplitter.split(segment, maxLength: 16, onWords: false, tokenizer: tokenizer)

        let reference = try String(contentsOfFile: try SharedData.reference("formats/jfk.max-len-16.stdout.txt"), encoding: .utf8)
        let expected = reference.split(separator: "\n").compactMap { line -> String? in
            guard let close = line.range(of: "]  ") else { return nil }
            return String(line[close.upperBound...])
        }
        XCTAssertEqual(pieces.map(\.text), expected)
    }

    func testPiecesCoverTheSegment() throws {
        let tokenizer = try SharedTokenizers.multilingual()
        let specials = tokenizer.specialTokens
        let text = " The quick brown fox jumps over the lazy dog, 日本語のテキストも少し。 And then some more words."
        let textTokens = tokenizer.encode(text)
        let tokens = [specials.timestampBegin + 50] + textTokens + [specials.timestampBegin + 400]
        let probabilities = tokens.indices.map { Float($0) / Float(tokens.count) }
        let segment = Segment(start: 10, end: 17, text: text, tokens: tokens, tokenProbabilities: probabilities)

        for onWords in [false, true] {
            for maxLength in [1, 5, 12, 30] {
                let pieces = SegmentSplitter.split(segment, maxLength: maxLength, onWords: onWords, tokenizer: tokenizer)
                let context = "maxLength \(maxLength), onWords \(onWords)"
                XCTAssertGreaterThan(pieces.count, 1, context)
                XCTAssertEqual(pieces.map(\.text).joined(), text, context)
                XCTAssertEqual(pieces.flatMap(\.tokens), tokens, context)
                XCTAssertEqual(pieces.flatMap(\.tokenProbabilities), probabilities, context)
                XCTAssertEqual(pieces.first?.start, 10)
                XCTAssertEqual(pieces.last?.end, 17)
                let total = Double(text.count)
                var characters = 0
                for (i, piece) in pieces.enumerated() {
                    XCTAssertFalse(piece.text.contains("\u{FFFD}"), "never cut inside a character (\(context))")
                    if i > 0 { XCTAssertEqual(piece.start, pieces[i - 1].end, accuracy: 1e-9, "contiguous (\(context))") }
                    XCTAssertEqual(piece.start, 10 + 7 * Double(characters) / total, accuracy: 1e-9, "proportional (\(context))")
                    characters += piece.text.count
                    if onWords && i > 0 {
                        XCTAssertTrue(piece.text.first?.isWhitespace ?? false, "'\(piece.text)' starts a word (\(context))")
                    }
                    // Over the limit only if it cannot be cut: one token (or one word).
                    if piece.text.count > maxLength {
                        let words = piece.text.split(separator: " ").count
                        let textTokenCount = piece.tokens.filter(specials.isText).count
                        XCTAssertTrue(onWords ? words == 1 : textTokenCount <= 2 || words == 1,
                                      "'\(piece.text)' longer than \(maxLength) (\(context))")
                    }
                }
            }
        }
    }

    func testGreedyPacking() throws {
        let tokenizer = try SharedTokenizers.english()
        let text = " one two three four five six"
        let segment = Segment(start: 0, end: 28, text: text, tokens: tokenizer.encode(text))
        let pieces = SegmentSplitter.split(segment, maxLength: 10, onWords: true, tokenizer: tokenizer)
        XCTAssertEqual(pieces.map(\.text), [" one two", " three", " four five", " six"])
        XCTAssertEqual(pieces.map(\.start), [0, 8, 14, 24])
    }

    func testShortSegmentsAndNoLimitUnchanged() throws {
        let tokenizer = try SharedTokenizers.english()
        let segment = Segment(start: 1, end: 2, text: " short", tokens: tokenizer.encode(" short"))
        XCTAssertEqual(SegmentSplitter.split(segment, maxLength: 40, onWords: false, tokenizer: tokenizer), [segment])
        XCTAssertEqual(SegmentSplitter.split([segment], maxLength: 0, onWords: false, tokenizer: tokenizer), [segment])
    }
}
