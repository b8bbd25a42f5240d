import Foundation
import XCTest

/// whisper-cli on batches, end to end with the built binary and the fast nano model: output files
/// in every format, a bad file in the batch, a resumed run, `-p`, `-ml`, `-pc`/`-ps`, `-of`,
/// and usage errors (interrupts: `OutputSafetyTests`).
final class CLIBatchTests: XCTestCase {
    static let decodeFlags = ["-bs", "1", "-nf"]

    /// The first batch, shared by the tests that inspect it (transcription is slow).
    struct FirstRun {
        let directory: TemporaryDirectory
        let output: CLIRunner.Output
    }
    nonisolated(unsafe) static var firstRun: FirstRun?

    /// in/a.wav (speech), in/sub/b.wav (silence), in/bad.wav (text), in/truncated.wav (a header cut
    /// short), in/notes.txt (not audio); transcribed with -r, all formats, into out/, two at a time.
    func batch() throws -> FirstRun {
        if let run = Self.firstRun { return run }
        let dir = try TemporaryDirectory("batch")
        try dir.copy(try SharedData.sample("speech-short.wav"), to: "in/a.wav")
        try dir.copy(try SharedData.sample("silence-5s.wav"), to: "in/sub/b.wav")
        try dir.write("in/bad.wav", Data("this is not audio\n".utf8))
        try dir.write("in/truncated.wav", try Data(contentsOf: URL(fileURLWithPath: try SharedData.sample("jfk.wav"))).prefix(30))
        try dir.write("in/notes.txt", Data("ignored".utf8))
        let output = try CLIRunner.run(["-m", try SharedData.model("nano-synthetic-f16.bin")] + Self.decodeFlags
                                       + ["-r", dir.file("in"), "--output-format", "all", "--output-dir", dir.file("out"),
                                          "-p", "2", "-t", "2"])
        let run = FirstRun(directory: dir, output: output)
        Self.firstRun = run
        return run
    }

    override class func tearDown() {
        firstRun?.directory.remove()
        firstRun = nil
        super.tearDown()
    }

    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertNotNil(String(data: data, encoding: .utf8), "\(path) is valid UTF-8")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], path)
    }

    func segments(_ json: [String: Any]) -> [[String: Any]] { json["transcription"] as? [[String: Any]] ?? [] }

    /// The stdout lines whisper-cli prints for a JSON transcript's segments.
    func listing(_ json: [String: Any]) -> [String] {
        segments(json).map { s in
            let t = s["timestamps"] as? [String: String] ?? [:]
            let from = (t["from"] ?? "").replacingOccurrences(of: ",", with: ".")
            let to = (t["to"] ?? "").replacingOccurrences(of: ",", with: ".")
            return "[\(from) --> \(to)]  \(s["text"] as? String ?? "")"
        }
    }

    func testBatchWritesEveryFormatAndReportsBadFiles() throws {
        let run = try batch()
        let out = run.output
        XCTAssertEqual(out.status, 1, "a failed file makes the exit status 1\n\(out.stderr)")
        XCTAssertTrue(out.stderr.contains("bad.wav"), out.stderr)
        XCTAssertTrue(out.stderr.contains("truncated.wav"), out.stderr)
        XCTAssertTrue(out.stderr.contains("4 files: 2 transcribed, 2 failed"), out.stderr)
        XCTAssertTrue(out.stderr.contains("real-time factor"), out.stderr)

        let extensions = ["csv", "json", "lrc", "srt", "tsv", "txt", "vtt"]
        let expected = (["a", "sub/b"].flatMap { stem in extensions.map { "out/\(stem).\($0)" } }
                        + ["in/a.wav", "in/bad.wav", "in/notes.txt", "in/sub/b.wav", "in/truncated.wav"]).sorted()
        XCTAssertEqual(run.directory.allFiles(), expected, "outputs for the good files only, no temporary files left")

        // stdout: each file's segments, in input order, though two files ran at once.
        let a = try json(run.directory.file("out/a.json")), b = try json(run.directory.file("out/sub/b.json"))
        XCTAssertFalse(segments(a).isEmpty)
        XCTAssertEqual(out.stdout.split(separator: "\n").map(String.init), listing(a) + listing(b))

        // The other formats hold the same segments.
        let srt = try String(contentsOfFile: run.directory.file("out/a.srt"), encoding: .utf8)
        XCTAssertTrue(srt.hasPrefix("1\n"))
        for s in segments(a) { XCTAssertTrue(srt.contains(s["text"] as? String ?? "?")) }
        let vtt = try String(contentsOfFile: run.directory.file("out/a.vtt"), encoding: .utf8)
        XCTAssertTrue(vtt.hasPrefix("WEBVTT\n\n"))
    }

    func testJSONHoldsTokenProbabilitiesAndParameters() throws {
        let run = try batch()
        let a = try json(run.directory.file("out/a.json"))
        let params = try XCTUnwrap(a["params"] as? [String: Any])
        XCTAssertEqual(params["beam_size"] as? Int, 1)
        XCTAssertEqual(params["language"] as? String, "en")
        XCTAssertNil(params["threads"], "thread counts do not change results and are not recorded")
        for s in segments(a) {
            let tokens = try XCTUnwrap(s["tokens"] as? [[String: Any]])
            XCTAssertFalse(tokens.isEmpty)
            let ps = tokens.compactMap { $0["p"] as? Double }
            XCTAssertEqual(ps.count, tokens.count, "every token has a probability")
            for p in ps { XCTAssertTrue(p > 0 && p <= 1, "p = \(p)") }
            let texts = tokens.compactMap { $0["text"] as? String }.filter { !$0.hasPrefix("<|") }
            XCTAssertEqual(texts.joined(), s["text"] as? String)
        }
        // (Each p is checked against a recomputation in TokenProbabilityTests.)
    }

    func testResumedRunSkipsFinishedFilesAndReproducesTheRest() throws {
        let run = try batch()
        let dir = run.directory
        let aSRT = dir.file("out/a.srt")
        let aDate = try FileManager.default.attributesOfItem(atPath: aSRT)[.modificationDate] as? Date
        let bJSON = try Data(contentsOf: URL(fileURLWithPath: dir.file("out/sub/b.json")))
        let bSRT = try Data(contentsOf: URL(fileURLWithPath: dir.file("out/sub/b.srt")))
        // As if the first run had been killed while writing b's files.
        try FileManager.default.removeItem(atPath: dir.file("out/sub/b.json"))
        try FileManager.default.removeItem(atPath: dir.file("out/sub/b.txt"))

        // One file at a time with all threads this time: the results must not change.
        let out = try CLIRunner.run(["-m", try SharedData.model("nano-synthetic-f16.bin")] + Self.decodeFlags
                                    + ["-r", dir.file("in"), "--output-format", "all", "--output-dir", dir.file("out"),
                                       "--skip-existing", "-p", "1", "-t", "2"])
        XCTAssertEqual(out.status, 1, "the bad files still fail\n\(out.stderr)")
        XCTAssertTrue(out.stderr.contains("a.wav: skipped"), out.stderr)
        XCTAssertTrue(out.stderr.contains("1 transcribed, 2 failed, 1 skipped"), out.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir.file("out/sub/b.json"))), bJSON,
                       "same JSON with -p 1 -t 2 as with -p 2 -t 1")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir.file("out/sub/b.srt"))), bSRT)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("out/sub/b.txt")))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: aSRT)[.modificationDate] as? Date, aDate,
                       "a skipped file's outputs are left alone")
        XCTAssertEqual(out.stdout.split(separator: "\n").map(String.init), listing(try json(dir.file("out/sub/b.json"))))
    }

    /// Real speech with the real model, three files side by side (`-p 3`: their decoder passes in
    /// shared steps) and one after another: the same listing, with beam search and fallback.
    func testFilesSideBySidePrintWhatOneAfterAnotherPrints() throws {
        let dir = try TemporaryDirectory("side-by-side")
        defer { dir.remove() }
        for name in ["jfk.wav", "speech-short.wav", "speech-long.wav"] { try dir.copy(try SharedData.sample(name), to: "in/\(name)") }
        let model = try SharedData.model("ggml-tiny.en.bin")
        let oneByOne = try CLIRunner.run(["-m", model, "-np", "-p", "1", "-t", "2", dir.file("in")])
        let together = try CLIRunner.run(["-m", model, "-np", "-p", "3", "-t", "2", dir.file("in")])
        XCTAssertEqual(oneByOne.status, 0, oneByOne.stderr)
        XCTAssertEqual(together.status, 0, together.stderr)
        XCTAssertTrue(oneByOne.stdout.contains("ask not what your country can do for you"), oneByOne.stdout)
        XCTAssertEqual(together.stdout, oneByOne.stdout)
    }

    func testMaxLengthSplitsStdoutAndFilesOnWords() throws {
        let reference = try batch()
        let dir = try TemporaryDirectory("maxlen")
        defer { dir.remove() }
        try dir.copy(try SharedData.sample("speech-short.wav"), to: "talk.wav")
        let out = try CLIRunner.run(["-m", try SharedData.model("nano-synthetic-f16.bin")] + Self.decodeFlags
                                    + ["-ml", "16", "-sow", "-otxt", "-osrt", "-oj", "-np", dir.file("talk.wav")])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(dir.allFiles(), ["talk.json", "talk.srt", "talk.txt", "talk.wav"], "outputs next to the input")
        let pieces = segments(try json(dir.file("talk.json")))
        XCTAssertGreaterThan(pieces.count, 1)
        let texts = pieces.compactMap { $0["text"] as? String }
        for text in texts {
            XCTAssertTrue(text.count <= 16 || text.split(separator: " ").count == 1, "'\(text)'")
        }
        for text in texts.dropFirst() { XCTAssertEqual(text.first, " ", "split on words: '\(text)'") }
        let whole = segments(try json(reference.directory.file("out/a.json")))
        XCTAssertEqual(texts.joined(), whole.compactMap { $0["text"] as? String }.joined(), "same text, cut into pieces")
        XCTAssertEqual((pieces.first?["offsets"] as? [String: Int])?["from"], (whole.first?["offsets"] as? [String: Int])?["from"])
        XCTAssertEqual((pieces.last?["offsets"] as? [String: Int])?["to"], (whole.last?["offsets"] as? [String: Int])?["to"])
        XCTAssertEqual(out.stdout.split(separator: "\n").map(String.init), listing(try json(dir.file("talk.json"))))
        XCTAssertEqual(out.stderr, "", "-np prints nothing but the results")
    }

    func testColorsSpecialTokensAndOutputFileName() throws {
        let reference = try batch()
        let dir = try TemporaryDirectory("colors")
        defer { dir.remove() }
        let out = try CLIRunner.run(["-m", try SharedData.model("nano-synthetic-f16.bin")] + Self.decodeFlags
                                    + ["-pc", "-ps", "-np", "-otxt", "-of", dir.file("named/result"),
                                       try SharedData.sample("speech-short.wav")])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(try String(contentsOfFile: dir.file("named/result.txt"), encoding: .utf8),
                       try String(contentsOfFile: reference.directory.file("out/a.txt"), encoding: .utf8))
        XCTAssertTrue(out.stdout.contains("\u{1B}[38;5;"), "tokens are coloured")
        let plain = out.stdout.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        let a = segments(try json(reference.directory.file("out/a.json")))
        for s in a {
            let tokens = s["tokens"] as? [[String: Any]] ?? []
            let withSpecials = tokens.compactMap { $0["text"] as? String }.joined()
            XCTAssertTrue(withSpecials.hasPrefix("<|"), "special tokens are printed: \(withSpecials.prefix(20))")
            XCTAssertTrue(plain.contains(withSpecials), "colours removed, the text with special tokens remains")
        }
    }

    func testUsageErrorsExitWith2BeforeAnyWork() throws {
        let model = try SharedData.model("nano-synthetic-f16.bin")
        let jfk = try SharedData.sample("jfk.wav")
        let dir = try TemporaryDirectory("usage")
        defer { dir.remove() }
        try dir.copy(jfk, to: "one/x.wav")
        try dir.copy(jfk, to: "two/x.wav")
        let cases: [([String], String)] = [
            (["-m", model, "-otxt", "-of", dir.file("o"), jfk, jfk], "-of"),
            (["-m", model, "--skip-existing", jfk], "--skip-existing"),
            (["-m", model, "--output-format", "txt,docx", jfk], "docx"),
            (["-m", model, "-otxt", "--output-dir", dir.file("out"), dir.file("one"), dir.file("two")], "would both write"),
            (["-m", model, "-ml", "-3", jfk], "-ml"),
            (["-m", model, "--no-such-option", jfk], "unknown option"),
            ([jfk], "no model"),
        ]
        for (arguments, message) in cases {
            let out = try CLIRunner.run(arguments)
            XCTAssertEqual(out.status, 2, arguments.joined(separator: " ") + "\n" + out.stderr)
            XCTAssertTrue(out.stderr.contains(message), out.stderr)
            XCTAssertEqual(out.stdout, "")
            if arguments.contains("--output-dir") {
                XCTAssertFalse(out.stderr.contains("use --output-dir"), "no advice to use what was used: \(out.stderr)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("out")))
        let help = try CLIRunner.run(["--help"])
        XCTAssertEqual(help.status, 0)
        for text in ["exit status", "130", "--output-format", "--skip-existing", "-p, --processors"] {
            XCTAssertTrue(help.stdout.contains(text), text)
        }
    }

    func testDetectLanguageOnlyReportsNoTranscription() throws {
        let out = try CLIRunner.run(["-m", try SharedData.model("nano-synthetic-f16.bin"), "-dl", "-t", "1",
                                     try SharedData.sample("jfk.wav")])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stderr.contains("auto-detected language"), out.stderr)
        XCTAssertTrue(out.stderr.contains("1 language detected"), out.stderr)
        XCTAssertFalse(out.stderr.contains("transcribed") || out.stderr.contains("encode time"), out.stderr)
    }

    func testLanguageFlagsOnAnEnglishOnlyModelWarn() throws {
        let out = try CLIRunner.run(["-m", try SharedData.model("tiny.en-synthetic-f16.bin"), "-l", "de", "-tr", "-t", "1",
                                     "-bs", "1", "-nf", "-d", "1000", try SharedData.sample("jfk.wav")])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stderr.contains("English-only model: -tr"), out.stderr)
        XCTAssertTrue(out.stderr.contains("English-only model: -l de"), out.stderr)
    }

    func testMissingInputsFailWithoutStoppingTheOthers() throws {
        let out = try CLIRunner.run(["-m", try SharedData.model("nano-synthetic-f16.bin"), "/nonexistent/a.wav", "/nonexistent/b.wav"])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("/nonexistent/a.wav: no such file"), out.stderr)
        XCTAssertTrue(out.stderr.contains("/nonexistent/b.wav: no such file"), out.stderr)
    }

    func testModelNamesResolveInTheModelsFolder() throws {
        let dir = try TemporaryDirectory("names")
        defer { dir.remove() }
        try FileManager.default.createSymbolicLink(atPath: dir.file("ggml-base.bin"),
                                                   withDestinationPath: try SharedData.model("nano-synthetic-f16.bin"))
        let env = CLIRunner.environment(["WHISPER_MODELS_DIR": dir.path])
        let info = try CLIRunner.run(["model-info", "base"], environment: env)
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains(dir.file("ggml-base.bin")), info.stdout)
        let missing = try CLIRunner.run(["-m", "large-v1", try SharedData.sample("jfk.wav")], environment: env)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("whisper-cli models download large-v1"), missing.stderr)
    }
}
