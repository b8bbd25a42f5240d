import Foundation
import XCTest
@testable import WhisperCore

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
