import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The JSON transcript parsed back with Foundation's parser: structure, values, escaping, and
/// valid UTF-8 even where tokens cut characters.
final class JSONTranscriptTests: XCTestCase {
    func parse(_ text: String) throws -> [String: Any] {
        let data = Data(text.utf8)
        XCTAssertNotNil(String(data: data, encoding: .utf8), "valid UTF-8")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testSegmentsTokensAndProbabilitiesRoundTrip() throws {
        let tokenizer = try SharedTokenizers.multilingual()
        let specials = tokenizer.specialTokens
        // "日本語" is split across tokens mid-character by the byte-level BPE.
        let text = " 日本語 says \"hi\"\\ \u{1}"
        let textTokens = tokenizer.encode(text)
        let tokens = [specials.timestampBegin + 36] + textTokens + [specials.timestampBegin + 100]
        let probabilities = tokens.indices.map { Float($0 + 1) / Float(tokens.count + 1) }
        let segment = Segment(start: 0.72, end: 2.0, text: tokenizer.decode(tokens), tokens: tokens,
                              tokenProbabilities: probabilities, averageLogProb: -0.25,
                              noSpeechProbability: 0.01, temperature: 0.2, compressionRatio: 1.5)
        XCTAssertEqual(segment.text, text)
        let hyper = try GGMLModelFile(path: try SharedData.model("nano-synthetic-f16.bin")).hyperparameters
        let transcript = Transcript(segments: [segment, segment], language: "ja", tokenizer: tokenizer, model: hyper,
                                    modelName: "nano", source: "in.wav",
                                    parameters: [("beam_size", .int(5)), ("temperature", .number(.nan))])
        let json = try parse(JSONTranscriptWriter().render(transcript))

        let model = try XCTUnwrap(json["model"] as? [String: Any])
        XCTAssertEqual(model["vocab"] as? Int, 51865)
        XCTAssertEqual(model["multilingual"] as? Bool, true)
        XCTAssertEqual((model["audio"] as? [String: Int])?["state"], hyper.nAudioState)
        let params = try XCTUnwrap(json["params"] as? [String: Any])
        XCTAssertEqual(params["model"] as? String, "nano")
        XCTAssertEqual(params["beam_size"] as? Int, 5)
        XCTAssertTrue(params["temperature"] is NSNull, "NaN is written as null")
        XCTAssertEqual((json["result"] as? [String: String])?["language"], "ja")

        let items = try XCTUnwrap(json["transcription"] as? [[String: Any]])
        XCTAssertEqual(items.count, 2)
        let item = items[0]
        XCTAssertEqual(item["text"] as? String, text)
        XCTAssertEqual((item["offsets"] as? [String: Int])?["from"], 720)
        XCTAssertEqual((item["offsets"] as? [String: Int])?["to"], 2000)
        XCTAssertEqual((item["timestamps"] as? [String: String])?["from"], "00:00:00,720")
        XCTAssertEqual(item["avg_logprob"] as? Double, -0.25)
        let jsonTokens = try XCTUnwrap(item["tokens"] as? [[String: Any]])
        XCTAssertEqual(jsonTokens.map { $0["id"] as? Int }, tokens.map { $0 })
        for (i, token) in jsonTokens.enumerated() {
            let p = try XCTUnwrap(token["p"] as? Double)
            XCTAssertEqual(Float(p), probabilities[i])
        }
        let texts = jsonTokens.map { $0["text"] as? String ?? "?" }
        XCTAssertEqual(texts.first, "<|0.72|>")
        XCTAssertEqual(texts.last, "<|2.00|>")
        XCTAssertEqual(texts.dropFirst().dropLast().joined(), text, "token texts join to the segment text")
        XCTAssertFalse(texts.joined().contains("\u{FFFD}"), "no replacement characters: split characters go whole to one token")
        XCTAssertTrue(textTokens.count > text.count / 3, "the test text must really be split into several tokens")
    }

    func testTokensCuttingACharacterAtTheEndStayValid() throws {
        let tokenizer = try SharedTokenizers.multilingual()
        // A prefix of some text's tokens that ends inside a character.
        var found: [Int]?
        for text in [" 語", " 🎉", " 日本語のテキスト", " 𝄞 music"] where found == nil {
            let all = tokenizer.encode(text)
            found = (1..<all.count).lazy.map { Array(all[..<$0]) }.first { tokenizer.endsInsideCharacter($0) }
        }
        let tokens = try XCTUnwrap(found, "no test text splits a character across tokens")
        let segment = Segment(start: 0, end: 1, text: tokenizer.decode(tokens), tokens: tokens)
        let json = try parse(JSONTranscriptWriter().render(Transcript(segments: [segment], tokenizer: tokenizer)))
        let item = try XCTUnwrap((json["transcription"] as? [[String: Any]])?.first)
        XCTAssertEqual(item["text"] as? String, segment.text)
        XCTAssertTrue(segment.text.contains("\u{FFFD}"))
    }

    func testStringEscaping() throws {
        let nasty = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} del \u{7F} ls \u{2028} emoji 👍🏽"
        let value = JSONValue.object([("s", .string(nasty)), ("n", .number(1.5)), ("i", .int(-3)),
                                      ("inf", .number(.infinity)), ("empty", .array([])), ("b", .bool(false))])
        let json = try parse(value.rendered())
        XCTAssertEqual(json["s"] as? String, nasty)
        XCTAssertEqual(json["n"] as? Double, 1.5)
        XCTAssertEqual(json["i"] as? Int, -3)
        XCTAssertTrue(json["inf"] is NSNull)
        XCTAssertEqual((json["empty"] as? [Any])?.count, 0)
        XCTAssertEqual(json["b"] as? Bool, false)
        XCTAssertFalse(value.rendered().contains("\u{0}"))
    }

    func testKeysKeepTheirOrder() {
        let text = JSONValue.object([("z", .int(1)), ("a", .int(2)), ("m", .int(3))]).rendered()
        let z = text.range(of: "\"z\"")!.lowerBound, a = text.range(of: "\"a\"")!.lowerBound, m = text.range(of: "\"m\"")!.lowerBound
        XCTAssertTrue(z < a && a < m)
    }
}
