import XCTest

/// Transcripts do not depend on the thread count, and sampling reproduces with the same seed.
final class DeterminismTests: XCTestCase {
    func transcript(_ model: String, _ extra: [String]) throws -> String {
        let out = try CLIRunner.run(["-m", try SharedData.model(model), "-f", try SharedData.sample("jfk.wav"), "-np"] + extra)
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertFalse(out.stdout.isEmpty)
        return out.stdout
    }

    func testThreadCountDoesNotChangeTokens() throws {
        for model in ["nano-synthetic-f16.bin", "nano-synthetic-q5_1.bin"] {
            // -ojf-like detail is not needed: any token difference changes the printed text.
            let one = try transcript(model, ["-bs", "1", "-nf", "-t", "1"])
            for threads in ["2", "3", "4"] {
                XCTAssertEqual(try transcript(model, ["-bs", "1", "-nf", "-t", threads]), one, "\(model) -t \(threads)")
            }
        }
    }

    func testBeamSearchDoesNotDependOnThreads() throws {
        let one = try transcript("nano-synthetic-f16.bin", ["-bs", "3", "-nf", "-t", "1"])
        XCTAssertEqual(try transcript("nano-synthetic-f16.bin", ["-bs", "3", "-nf", "-t", "3"]), one)
    }

    func testSamplingReproducesWithTheSameSeed() throws {
        let flags = ["-tp", "0.7", "-bo", "3", "-nf", "--seed", "42"]
        let first = try transcript("nano-synthetic-f16.bin", flags + ["-t", "1"])
        XCTAssertEqual(try transcript("nano-synthetic-f16.bin", flags + ["-t", "1"]), first)
        XCTAssertEqual(try transcript("nano-synthetic-f16.bin", flags + ["-t", "2"]), first)
        // A different seed draws differently (on this random network the text changes).
        XCTAssertNotEqual(try transcript("nano-synthetic-f16.bin", ["-tp", "0.7", "-bo", "3", "-nf", "--seed", "7", "-t", "2"]), first)
    }
}
