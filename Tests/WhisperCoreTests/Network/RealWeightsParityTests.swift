import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The real tiny.en (`../shared/models/ggml-tiny.en.bin`, OpenAI's weights) against the references
/// in `reference/real/openai/`, written by the float64 reference: teacher-forced logits within
/// 2e-3 of float64 with the same top-1 wherever the reference's margin is clear, the CLI's output
/// equal to every case whose windows all have a clear margin (`min_top2_gap` ≥ 0.005), and
/// teacher-forced replay of the others.
final class RealWeightsParityTests: XCTestCase {
    static let model = "ggml-tiny.en"

    /// Every window of a reference case: its prompt and tokens, fed as the reference decoded them.
    func windows(_ sample: String, _ referenceCase: String) throws -> [DecodingReplayTests.ReferenceWindow] {
        try DecodingReplayTests.windows("\(Self.model).\(sample).\(referenceCase)", folder: "real/openai")
    }

    /// The cross-attention keys are kept in single precision for this: rounded to half precision (as
    /// whisper.cpp keeps them) they alone moved the float64 reference's logits by 2.5e-3 on jfk.wav,
    /// and ours were 2.5e-3 to 3.6e-3 from float64.
    static let logitTolerance: Float = 2e-3

    func teacherForced(_ sample: String, _ referenceCase: String) throws {
        let window = try XCTUnwrap(try windows(sample, referenceCase).first)
        let tokens = window.prompt + window.tokens
        try NetworkParityTests.compare(name: "\(Self.model) \(sample) \(referenceCase)", modelPath: try SharedData.model(Self.model + ".bin"),
                                         sample: sample, tokens: tokens, promptCount: window.prompt.count, tolerance: Self.logitTolerance)
    }

    func testLogitsJFKGreedy() throws { try teacherForced("jfk", "greedy") }
    func testLogitsJFKPrompt() throws { try teacherForced("jfk", "prompt") }
    func testLogitsSpeechShort() throws { try teacherForced("speech-short", "greedy") }

    /// whisper-cli's stdout against the reference's, for the cases with clear margins.
    func cli(_ sample: String, _ referenceCase: String, _ flags: [String]) throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: try SharedData.reference("real/openai/\(Self.model).\(sample).\(referenceCase).json")))
        let windows = try XCTUnwrap((try JSONSerialization.jsonObject(with: json) as? [String: Any])?["windows"] as? [[String: Any]])
        let gaps = windows.compactMap { $0["min_top2_gap"] as? Double }
        XCTAssertTrue(gaps.count == windows.count && gaps.allSatisfy { $0 >= 0.005 },
                      "\(sample) \(referenceCase): a near tie (gaps \(gaps)); it belongs to the replay tests")
        let reference = try String(contentsOfFile: try SharedData.reference("real/openai/\(Self.model).\(sample).\(referenceCase).txt"), encoding: .utf8)
        let output = try CLIRunner.run(["-m", try SharedData.model(Self.model + ".bin"), "-f", try SharedData.sample(sample + ".wav"),
                                        "-nf", "-t", "2", "-np"] + flags)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout.trimmingCharacters(in: .newlines), reference.trimmingCharacters(in: .newlines),
                       "\(sample) \(referenceCase)")
    }

    static let prompt = ["--prompt", "President Kennedy, inaugural address, 1961."]

    func testCLIJFKPrompt() throws { try cli("jfk", "prompt", ["-bs", "1"] + Self.prompt) }
    func testCLISpeechShortGreedy() throws { try cli("speech-short", "greedy", ["-bs", "1"]) }
    func testCLISpeechShortPrompt() throws { try cli("speech-short", "prompt", ["-bs", "1"] + Self.prompt) }
    func testCLISpeechLongGreedy() throws { try cli("speech-long", "greedy", ["-bs", "1"]) }
    func testCLISpeechLongPrompt() throws { try cli("speech-long", "prompt", ["-bs", "1"] + Self.prompt) }

    /// jfk greedy has a near tie (min_top2_gap 0.0045): replayed with teacher forcing.
    func testReplayJFKGreedy() throws {
        try DecodingReplayTests.replay(model: Self.model, sample: "jfk", referenceCase: "greedy", folder: "real/openai")
    }

    /// Beam search keeps no margin figure: the transcript must match (jfk, speech-short, speech-long).
    func testCLIBeam5() throws {
        for sample in ["jfk", "speech-short", "speech-long"] {
            let reference = try String(contentsOfFile: try SharedData.reference("real/openai/\(Self.model).\(sample).beam5.txt"), encoding: .utf8)
            let output = try CLIRunner.run(["-m", try SharedData.model(Self.model + ".bin"), "-f", try SharedData.sample(sample + ".wav"),
                                            "-nf", "-t", "2", "-np", "-bs", "5"])
            XCTAssertEqual(output.status, 0, output.stderr)
            XCTAssertEqual(output.stdout.trimmingCharacters(in: .newlines), reference.trimmingCharacters(in: .newlines), sample)
        }
    }

    /// The real tiny.en quantized to q8_0 by our quantizer keeps jfk.wav's transcript: with the
    /// default options exactly (text and times); greedily the text (the greedy case has a near tie
    /// on a timestamp: 7.54 s against 7.74 s).
    func testQ8_0KeepsTheJFKTranscript() throws {
        let dir = try TemporaryDirectory("real-q8")
        defer { dir.remove() }
        let q8 = dir.file("ggml-tiny.en-q8_0.bin")
        try ModelQuantizer.quantize(try GGMLModelFile(path: try SharedData.model(Self.model + ".bin")), to: .q8_0, outputPath: q8)
        let jfk = try SharedData.sample("jfk.wav")
        let defaults = try CLIRunner.run(["-m", q8, "-f", jfk, "-np", "-t", "2"])
        let beam = try String(contentsOfFile: try SharedData.reference("real/openai/\(Self.model).jfk.beam5.txt"), encoding: .utf8)
        XCTAssertEqual(defaults.stdout.trimmingCharacters(in: .newlines), beam.trimmingCharacters(in: .newlines))
        func text(_ listing: String) -> String {
            listing.split(separator: "\n").map { $0.split(separator: "]", maxSplits: 1).last.map(String.init) ?? "" }
                .joined(separator: " ").split(separator: " ").joined(separator: " ")
        }
        let greedy = try CLIRunner.run(["-m", q8, "-f", jfk, "-np", "-t", "2", "-bs", "1", "-nf"])
        let reference = try String(contentsOfFile: try SharedData.reference("real/openai/\(Self.model).jfk.greedy.txt"), encoding: .utf8)
        XCTAssertEqual(text(greedy.stdout), text(reference))
    }
}
