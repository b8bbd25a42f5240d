import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Language detection against the float64 reference's logits after `<|startoftranscript|>`.
final class LanguageDetectionTests: XCTestCase {
    func check(_ modelName: String, expected: String) throws {
        let modelPath = try SharedData.model(modelName)
        let audioPath = try SharedData.sample("jfk.wav")
        let model = try WhisperModel(path: modelPath)
        let transcriber = try Transcriber(model: model, threads: 2)
        let specials = transcriber.tokenizer.specialTokens
        let detected = try transcriber.detectLanguage(samples: try AudioLoader.loadMono16k(path: audioPath))
        XCTAssertEqual(detected.first?.language.code, expected, modelName)

        // The reference's distribution over the language tokens.
        let logits = try PythonReference.logits(model: modelPath, audio: audioPath, tokens: [specials.startOfTranscript])
        let range = specials.languageTokens
        let maxLogit = range.map { Double(logits[$0]) }.max()!
        let total = range.map { exp(Double(logits[$0]) - maxLogit) }.reduce(0, +)
        for (language, probability) in detected.prefix(5) {
            let token = specials.token(for: language)!
            let reference = exp(Double(logits[token]) - maxLogit) / total
            XCTAssertEqual(probability, reference, accuracy: 1e-3, "\(modelName) \(language.code)")
        }
        // whisper.cpp agrees on the language (its probability differs by its f16 arithmetic).
        let cpp = try String(contentsOfFile: try SharedData.reference("cli/\(modelName.replacingOccurrences(of: ".bin", with: "")).jfk.detect-language.txt"), encoding: .utf8)
        XCTAssertTrue(cpp.contains("language: \(expected) "), cpp)
    }

    func testNano() throws { try check("nano-synthetic-f16.bin", expected: "mg") }
    func testNanoV3() throws { try check("nano-v3-synthetic-f16.bin", expected: "hy") }

    func testEnglishOnlyModelsDetectNothing() throws {
        let model = try WhisperModel(path: try SharedData.model("tiny.en-synthetic-q5_1.bin"))
        XCTAssertTrue(try Transcriber(model: model).detectLanguage(samples: [Float](repeating: 0, count: 16000)).isEmpty)
    }
}
