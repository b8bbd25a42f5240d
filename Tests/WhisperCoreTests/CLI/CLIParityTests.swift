import Foundation
import XCTest

/// `whisper-cli` output against `reference/openai/*.txt` — the decoding target — for every case whose
/// windows all have a clear margin (`min_top2_gap` ≥ 0.005) between the two best tokens. The other
/// cases are checked token by token with teacher forcing in `DecodingReplayTests`.
final class CLIParityTests: XCTestCase {
    /// Flags that make whisper-cli decode as the reference does: no temperature fallback.
    func check(_ model: String, _ sample: String, _ referenceCase: String, _ flags: [String]) throws {
        let reference = try String(contentsOfFile: try SharedData.reference("openai/\(model).\(sample).\(referenceCase).txt"), encoding: .utf8)
        let output = try CLIRunner.run(["-m", try SharedData.model(model + ".bin"), "-f", try SharedData.sample(sample + ".wav"),
                                        "-nf", "-t", "2", "-np"] + flags)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout.trimmingCharacters(in: .newlines), reference.trimmingCharacters(in: .newlines),
                       "\(model) \(sample) \(referenceCase)")
    }

    func testTinyEnJFKGreedy() throws { try check("tiny.en-synthetic-f16", "jfk", "greedy", ["-bs", "1"]) }
    func testTinyEnJFKPrompt() throws {
        try check("tiny.en-synthetic-f16", "jfk", "prompt", ["-bs", "1", "--prompt", "President Kennedy, inaugural address, 1961."])
    }
    func testTinyEnSilence() throws { try check("tiny.en-synthetic-f16", "silence-5s", "greedy", ["-bs", "1"]) }
    func testTinyEnSpeechLongGreedy() throws { try check("tiny.en-synthetic-f16", "speech-long", "greedy", ["-bs", "1"]) }
    func testTinyEnQ5_1JFK() throws { try check("tiny.en-synthetic-q5_1", "jfk", "greedy", ["-bs", "1"]) }
    func testNanoJFKGreedy() throws { try check("nano-synthetic-f16", "jfk", "greedy", ["-bs", "1", "-l", "en"]) }
    func testTinyEnJFKBeam5() throws { try check("tiny.en-synthetic-f16", "jfk", "beam5", ["-bs", "5"]) }
}
