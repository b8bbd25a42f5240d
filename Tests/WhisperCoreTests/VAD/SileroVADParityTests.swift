import Foundation
import XCTest
@testable import WhisperCore

/// Speech probabilities and segments against whisper.cpp's (`reference/vad/`), on the real Silero
/// v6.2.0 weights.
final class SileroVADParityTests: XCTestCase {
    static let samples = ["jfk", "speech-short", "speech-long", "silence-5s"]

    static func loadModel() throws -> SileroVADModel {
        try SileroVADModel(path: try SharedData.model("silero-v6.2.0-ggml.bin"))
    }

    static func referenceProbabilities(_ sample: String) throws -> [Float] {
        let text = try String(contentsOfFile: try SharedData.reference("vad/\(sample).probs.txt"), encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).map { line in
            guard let value = Float(line.trimmingCharacters(in: .whitespaces)) else {
                throw XCTSkip("unreadable line '\(line)' in \(sample).probs.txt")
            }
            return value
        }
    }

    func testProbabilitiesMatchWhisperCpp() throws {
        let vad = SileroVAD(model: try Self.loadModel())
        var report: [String] = []
        for sample in Self.samples {
            let audio = try AudioLoader.loadMono16k(path: try SharedData.sample(sample + ".wav"))
            let expected = try Self.referenceProbabilities(sample)
            let probabilities = vad.probabilities(of: audio)
            XCTAssertEqual(probabilities.count, expected.count, sample)
            let maxDiff = zip(probabilities, expected).map { abs($0 - $1) }.max() ?? 0
            report.append("\(sample): \(expected.count) windows, max |Δp| = \(String(format: "%.2e", maxDiff))")
            XCTAssertLessThanOrEqual(maxDiff, 1e-3, sample)
        }
        print("VAD probability parity vs whisper.cpp:\n  " + report.joined(separator: "\n  "))
    }
}
