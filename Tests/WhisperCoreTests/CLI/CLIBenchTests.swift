import Foundation
import XCTest

/// `whisper-cli bench`: the model figures it prints (their values are machine-dependent and not
/// checked), and a clear failure for a model that is not there.
final class CLIBenchTests: XCTestCase {
    func testModelBenchPrintsEveryFigure() throws {
        let model = try SharedData.model("nano-synthetic-f16.bin")
        let out = try CLIRunner.run(["bench", "-m", model, "-t", "2", "--runs", "1", "--tokens", "8"])
        XCTAssertEqual(out.status, 0, out.stderr)
        for label in ["load", "mel (30 s)", "encoder", "cross K/V", "decoder/token", "5-row step", "batch of 8", "8 × 5 beams",
                      "peak RSS"] {
            let line = out.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
            XCTAssertNotNil(line, "\(label) in:\n\(out.stdout)")
            if let line, label != "peak RSS" { XCTAssertTrue(line.contains(" ms"), String(line)) }
        }
        // The machine's limits and the engine against them: positive rates, finite shares.
        let lines = out.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let machine = try XCTUnwrap(lines.first { $0.hasPrefix("machine") }, out.stdout)
        XCTAssertTrue(machine.contains("GB/s from 512 MiB") && machine.contains("GFLOP/s"), machine)
        let encoder = try XCTUnwrap(lines.first { $0.hasPrefix("encoder") && $0.contains("GFLOP/s") }, out.stdout)
        XCTAssertTrue(encoder.contains("% of the peak"), encoder)
        let step = try XCTUnwrap(lines.first { $0.hasPrefix("decoder step") }, out.stdout)
        XCTAssertTrue(step.contains("MB read per step") && step.contains("% of the read rate"), step)
        // Batched decoding against one window at a time: a positive, finite ratio.
        let batch = try XCTUnwrap(lines.first { $0.hasPrefix("batch of 8") }, out.stdout)
        XCTAssertNotNil(batch.range(of: #"[0-9]+\.[0-9]{2}× the decoder's throughput"#, options: .regularExpression), batch)
        for line in [machine, encoder, step, batch] {
            XCTAssertFalse(line.contains("nan") || line.contains("inf") || line.contains(" 0.0 GB/s"), line)
        }
    }

    func testMissingModelFailsWithItsName() throws {
        let out = try CLIRunner.run(["bench", "-m", "/nonexistent/model.bin", "--runs", "1"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("/nonexistent/model.bin"), out.stderr)
    }
}
