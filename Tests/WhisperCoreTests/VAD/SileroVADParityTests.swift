import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

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

    /// `SAMPLE.segments.tsv`: start and end in centiseconds, one segment per line.
    static func referenceSegments(_ sample: String) throws -> [SpeechSegment] {
        let text = try String(contentsOfFile: try SharedData.reference("vad/\(sample).segments.tsv"), encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).map { line in
            let fields = line.split(separator: "\t").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard fields.count == 2 else { throw XCTSkip("unreadable line '\(line)' in \(sample).segments.tsv") }
            return SpeechSegment(startCentiseconds: Int(fields[0].rounded()), endCentiseconds: Int(fields[1].rounded()))
        }
    }

    func testSegmentsMatchWhisperCpp() throws {
        let vad = SileroVAD(model: try Self.loadModel())
        for sample in Self.samples {
            let audio = try AudioLoader.loadMono16k(path: try SharedData.sample(sample + ".wav"))
            let segments = SpeechSegments.detect(in: audio, vad: vad)
            XCTAssertEqual(segments, try Self.referenceSegments(sample), sample)
        }
    }

    /// The segment state machine alone, fed whisper.cpp's own probabilities: same segments.
    func testSegmentsFromReferenceProbabilities() throws {
        for sample in Self.samples {
            let segments = SpeechSegments.detect(probabilities: try Self.referenceProbabilities(sample), windowSize: 512)
            XCTAssertEqual(segments, try Self.referenceSegments(sample), sample)
        }
    }

    func testSilenceHasNoSpeech() throws {
        let vad = SileroVAD(model: try Self.loadModel())
        let audio = try AudioLoader.loadMono16k(path: try SharedData.sample("silence-5s.wav"))
        XCTAssertEqual(SpeechSegments.detect(in: audio, vad: vad), [])
        XCTAssertLessThan(vad.probabilities(of: audio).max() ?? 1, 0.1)
        XCTAssertEqual(SpeechSegments.detect(in: [Float](repeating: 0, count: 16_000), vad: vad), [])
        XCTAssertEqual(SpeechSegments.detect(in: [], vad: vad), [])
    }

    /// Threads share out the state-independent work, one of them running the previous batch's
    /// recurrence meanwhile (jfk.wav is two batches of windows); the probabilities must not change.
    func testProbabilitiesDoNotDependOnThreads() throws {
        let vad = SileroVAD(model: try Self.loadModel())
        let audio = try AudioLoader.loadMono16k(path: try SharedData.sample("jfk.wav"))
        let serial = vad.probabilities(of: audio)
        XCTAssertEqual(vad.probabilities(of: audio, executor: ParallelExecutor(threads: 3)), serial)
        // Streaming window by window gives the same values too.
        vad.reset()
        let streamed: [Float] = stride(from: 0, to: audio.count, by: 512).map { start in
            audio[start..<min(start + 512, audio.count)].withUnsafeBufferPointer { vad.process(window: $0) }
        }
        XCTAssertEqual(streamed, serial)
    }
}
