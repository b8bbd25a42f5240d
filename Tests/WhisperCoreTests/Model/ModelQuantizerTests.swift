import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The quantizer reproduces whisper.cpp's quantized files byte for byte.
final class ModelQuantizerTests: XCTestCase {
    func quantized(_ source: String, _ type: GGMLTensorType) throws -> Data {
        let out = try TemporaryFiles.directory().appendingPathComponent("q.bin").path
        try ModelQuantizer.quantize(try GGMLModelFile(path: try SharedData.model(source)), to: type, outputPath: out)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    func testNanoEveryTypeIsByteIdentical() throws {
        for (type, name) in [(GGMLTensorType.q4_0, "q4_0"), (.q4_1, "q4_1"), (.q5_0, "q5_0"), (.q5_1, "q5_1"), (.q8_0, "q8_0")] {
            let reference = try Data(contentsOf: URL(fileURLWithPath: try SharedData.model("nano-synthetic-\(name).bin")))
            let ours = try quantized("nano-synthetic-f16.bin", type)
            XCTAssertEqual(ours.count, reference.count, name)
            XCTAssertTrue(ours == reference, "\(name): bytes differ")
        }
    }

    func testTinyQ5_1IsByteIdentical() throws {
        let reference = try Data(contentsOf: URL(fileURLWithPath: try SharedData.model("tiny.en-synthetic-q5_1.bin")))
        XCTAssertTrue(try quantized("tiny.en-synthetic-f16.bin", .q5_1) == reference)
    }

    func testTinyQ8_0MatchesThePublishedChecksum() throws {
        var hash = SHA256()
        hash.update(try quantized("tiny.en-synthetic-f16.bin", .q8_0))
        // From ../shared/README.md: whisper.cpp's q8_0 of tiny.en-synthetic-f16.bin.
        XCTAssertEqual(hash.hexDigest(), "afaf832a0710205f4ce592a72930a042f373d2fa9320370948dbbf5bde66587b")
    }

    /// The real tiny.en quantized to every block type: the SHA-256 of whisper.cpp's quantizer
    /// output (commit 233fe1fc9, built outside this repository, 2026-12-07) for the same input.
    func testRealTinyEnEveryTypeIsWhisperCppsBytes() throws {
        let expected: [(GGMLTensorType, String)] = [
            (.q8_0, "61e9a0e72b4561f999906d79ed8f98e1e724c86130bb429a4f9fd9cb562d0b78"),
            (.q5_1, "3b7e1c5104d3767c105131d0380d0069fec5b10ad3948b119dcc2f5c1f1dd1c0"),
            (.q5_0, "f91e712b24468fce4eeac07e83db9527d4cb56516b4b2f23f0a937b049b3b076"),
            (.q4_1, "f86a665e6dd8e79de55dd39a2f9769ac97d104d1edce23af328061f78f5ab873"),
            (.q4_0, "4c7994f1181caf66176fa0b4ce2fa166859c8087b233bd82d52a5dc10d27d390"),
        ]
        for (type, digest) in expected {
            var hash = SHA256()
            hash.update(try quantized("ggml-tiny.en.bin", type))
            XCTAssertEqual(hash.hexDigest(), digest, "\(type)")
        }
    }

    func testRefusesQuantizedInputAndFloatTargets() throws {
        let q = try GGMLModelFile(path: try SharedData.model("nano-synthetic-q8_0.bin"))
        let out = try TemporaryFiles.directory().appendingPathComponent("x.bin").path
        XCTAssertThrowsError(try ModelQuantizer.quantize(q, to: .q4_0, outputPath: out)) { error in
            XCTAssertTrue("\(error)".contains("already q8_0"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no output is left behind")
        XCTAssertThrowsError(try ModelQuantizer.quantize(q, to: .f16, outputPath: out))
    }

    func testQuantizedModelLoadsAndRuns() throws {
        let out = try TemporaryFiles.directory().appendingPathComponent("q.bin").path
        try ModelQuantizer.quantize(try GGMLModelFile(path: try SharedData.model("nano-synthetic-f16.bin")), to: .q5_0, outputPath: out)
        let model = try WhisperModel(path: out)
        XCTAssertEqual(model.hyperparameters.rawFileType, 2008)
        XCTAssertEqual(model.weights.decoder.tokenEmbedding.type, .q5_0)
    }

    func testCommandLine() throws {
        let dir = try TemporaryFiles.directory()
        let out = dir.appendingPathComponent("nano-q4_1.bin").path
        let ok = try CLIRunner.run(["quantize", try SharedData.model("nano-synthetic-f16.bin"), out, "q4_1"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: out)) == Data(contentsOf: URL(fileURLWithPath: try SharedData.model("nano-synthetic-q4_1.bin"))))
        let badType = try CLIRunner.run(["quantize", try SharedData.model("nano-synthetic-f16.bin"), out, "q3_k"])
        XCTAssertEqual(badType.status, 2)
        XCTAssertTrue(badType.stderr.contains("unknown type"), badType.stderr)
        let missing = try CLIRunner.run(["quantize", "/nonexistent.bin", out, "q8_0"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent.bin"), missing.stderr)
    }
}
