import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `whisper-cli` given inputs that are not what it expects: each must end quickly with a message
/// naming the file and exit status 1 (a file or the model failed) or 2 (usage) — never a crash
/// signal, never a hang.
///
/// Decisions these tests pin down (also in `whisper-cli --help`):
/// - a WAV file with no samples (header only) is an error; a 1-sample WAV is transcribed (no text);
/// - a named pipe is read only if its writer is already there; with no writer it is an error at
///   once (opened non-blocking), never a wait; as a model, anything but a regular file is refused;
/// - a directory as input: an error naming it, or (with batch support) its WAV files transcribed.
///
/// The models are crafted (`ModelFileBuilder`), so these run without ../shared, except the truncated
/// real model.
final class HostileInputTests: XCTestCase {
    struct Run {
        var status: Int32
        var signalled: Bool
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    /// Runs whisper-cli with a deadline; a run past it is killed and fails the test.
    func cli(_ arguments: [String], timeout: Double = 30, file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let dir = try TemporaryFiles.directory()
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLIRunner.binary())
        process.arguments = arguments + ["-t", "1"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        let start = Date()
        try process.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = done.wait(timeout: .now() + 5)
            XCTFail("whisper-cli \(arguments.joined(separator: " ")) did not finish within \(timeout) s (hang)", file: file, line: line)
        }
        let run = Run(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
                      seconds: -start.timeIntervalSinceNow)
        XCTAssertFalse(run.signalled, "whisper-cli was killed by signal \(run.status): \(run.stderr)", file: file, line: line)
        XCTAssertLessThanOrEqual(run.status, 2, "exit status \(run.status): \(run.stderr)", file: file, line: line)
        return run
    }

    /// Expects a failure (status 1) whose message names `path` and contains every one of `words`.
    func expectFailure(_ run: Run, naming path: String, _ words: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 1, "stderr: \(run.stderr)", file: file, line: line)
        XCTAssertTrue(run.stderr.contains(path), "the message should name \(path): \(run.stderr)", file: file, line: line)
        for word in words {
            XCTAssertTrue(run.stderr.localizedCaseInsensitiveContains(word), "the message should say '\(word)': \(run.stderr)", file: file, line: line)
        }
        XCTAssertFalse(run.stderr.contains("Fatal error"), run.stderr, file: file, line: line)
    }

    lazy var model: String = (try? ModelFileBuilder.tiny().write()) ?? "/nonexistent"

    func wav(samples: [Int16], name: String = "audio.wav") throws -> String {
        var b = WAVBuilder()
        b.data = WAVBuilder.s16(samples)
        return try b.write(name: name)
    }

    func noise(seconds: Double, name: String = "noise.wav") throws -> String {
        var rng = SeededGenerator(seed: 9)
        return try wav(samples: (0..<Int(seconds * 16_000)).map { _ in Int16.random(in: -3000...3000, using: &rng) }, name: name)
    }

    // MARK: - Audio inputs

    func testDirectoryAsAudio() throws {
        let dir = try TemporaryFiles.directory()
        try Data(WAVBuilder(data: WAVBuilder.s16((0..<8000).map { Int16($0 % 200) })).bytes())
            .write(to: dir.appendingPathComponent("inside.wav"))
        let run = try cli(["-m", model, "-f", dir.path])
        // Until directories are batches: a clear error. With batch support: the WAV inside is transcribed.
        XCTAssertTrue(run.status == 0 || run.status == 1, "status \(run.status)")
        if run.status != 0 { expectFailure(run, naming: dir.path, ["directory"]) }
    }

    func testNamedPipeWithoutAWriterIsRefusedAtOnce() throws {
        let fifo = try TemporaryFiles.directory().appendingPathComponent("audio.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let run = try cli(["-m", model, "-f", fifo], timeout: 20)
        expectFailure(run, naming: fifo, ["pipe", "no writer"])
        XCTAssertLessThan(run.seconds, 10)
    }

    func testNamedPipeWithAWriterIsReadLikeAFile() throws {
        let audio = try noise(seconds: 1)
        let fifo = try TemporaryFiles.directory().appendingPathComponent("audio.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        // The writer is already waiting on the pipe when whisper-cli opens it (as with `cat a.wav > fifo &`).
        // On a loaded machine the writer may not have reached its open yet: then wait longer and retry.
        for wait in [0.5, 2, 5] {
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/bin/sh")
            writer.arguments = ["-c", "cat '\(audio)' > '\(fifo)'"]
            try writer.run()
            defer { if writer.isRunning { kill(writer.processIdentifier, SIGKILL) } }
            Thread.sleep(forTimeInterval: wait)
            let run = try cli(["-m", model, "-f", fifo])
            if run.status != 0, run.stderr.contains("no writer"), wait < 5 { continue }
            XCTAssertEqual(run.status, 0, run.stderr)
            return
        }
    }

    func testPermissionDenied() throws {
        let path = try noise(seconds: 0.5, name: "locked.wav")
        XCTAssertEqual(chmod(path, 0), 0)
        defer { chmod(path, 0o644) }
        // Root reads a mode-000 file anyway (CAP_DAC_OVERRIDE): nothing to test there.
        guard open(path, O_RDONLY) < 0 else {
            throw XCTSkip("running as root (or with CAP_DAC_OVERRIDE): a mode-000 file is still readable; "
                          + "testReadErrorAfterOpening covers an unreadable input instead")
        }
        expectFailure(try cli(["-m", model, "-f", path]), naming: path, ["permission denied"])
        expectFailure(try cli(["-m", path, "-f", path]), naming: path, ["permission denied"])
    }

    func testReadErrorAfterOpening() throws {
        // Unreadable even for root: /proc/self/mem opens, but reading its first page fails (EIO).
        #if os(Linux)
        let run = try cli(["-m", model, "-f", "/proc/self/mem"])
        expectFailure(run, naming: "/proc/self/mem", ["reading the audio file failed"])
        #else
        throw XCTSkip("needs Linux's /proc")
        #endif
    }

    func testPathThroughAFile() throws {
        let audio = try noise(seconds: 0.5)
        let path = audio + "/inside.wav"   // ENOTDIR
        let run = try cli(["-m", model, "-f", path])
        expectFailure(run, naming: path)
        XCTAssertTrue(run.stderr.localizedCaseInsensitiveContains("not a directory")
                      || run.stderr.localizedCaseInsensitiveContains("no such file"), run.stderr)
        expectFailure(try cli(["-m", path, "-f", audio]), naming: path, ["not a directory"])
    }

    func testZeroLengthFiles() throws {
        let empty = try TemporaryFiles.write([], name: "empty.wav")
        expectFailure(try cli(["-m", model, "-f", empty]), naming: empty, ["empty"])
        let emptyModel = try TemporaryFiles.write([], name: "empty.bin")
        expectFailure(try cli(["-m", emptyModel, "-f", try noise(seconds: 0.5)]), naming: emptyModel, ["ends early"])
        #if os(Linux)
        expectFailure(try cli(["-m", model, "-f", "/dev/null"]), naming: "/dev/null", ["empty"])
        #endif
    }

    func testOneSampleWAVGivesNoTextAndSucceeds() throws {
        let run = try cli(["-m", model, "-f", try wav(samples: [1000], name: "one.wav")])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "")
    }

    func testHeaderOnlyWAVIsAnError() throws {
        let path = try wav(samples: [], name: "header-only.wav")
        expectFailure(try cli(["-m", model, "-f", path]), naming: path, ["no audio"])
        // Half a frame (1 byte of a 16-bit sample) holds no sample either.
        var b = WAVBuilder()
        b.data = [0x12]
        let half = try b.write(name: "half-frame.wav")
        expectFailure(try cli(["-m", model, "-f", half]), naming: half, ["1 byte", "less than one frame"])
    }

    func testModelGivenAsAudioAndAudioAsModel() throws {
        let audio = try noise(seconds: 0.5)
        expectFailure(try cli(["-m", audio, "-f", audio]), naming: audio, ["not a whisper.cpp GGML model", "WAV"])
        expectFailure(try cli(["-m", model, "-f", model]), naming: model, ["not a WAV file", "model"])
    }

    func testMissingFiles() throws {
        let dir = try TemporaryFiles.directory().path
        let missingModel = dir + "/no-such-model.bin", missingAudio = dir + "/no-such-audio.wav"
        expectFailure(try cli(["-m", missingModel, "-f", try noise(seconds: 0.5)]), naming: missingModel, ["no such file"])
        expectFailure(try cli(["-m", model, "-f", missingAudio]), naming: missingAudio, ["no such file"])
    }

    func testModelThatIsNotARegularFile() throws {
        let dir = try TemporaryFiles.directory()
        expectFailure(try cli(["-m", dir.path, "-f", try noise(seconds: 0.5)]), naming: dir.path, ["directory"])
        let fifo = dir.appendingPathComponent("model.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let run = try cli(["-m", fifo, "-f", try noise(seconds: 0.5)], timeout: 20)
        expectFailure(run, naming: fifo, ["pipe"])
        XCTAssertLessThan(run.seconds, 10)
    }

    func testTruncatedModel() throws {
        let real = try SharedData.model("nano-synthetic-f16.bin")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: real))
        let half = try TemporaryFiles.write([UInt8](bytes.prefix(bytes.count / 2)), name: "half-model.bin")
        expectFailure(try cli(["-m", half, "-f", try noise(seconds: 0.5)]), naming: half, ["truncated"])
        // Cut inside the vocabulary and inside the header.
        for cut in [100_000, 30] {
            let path = try TemporaryFiles.write([UInt8](bytes.prefix(cut)), name: "cut-\(cut).bin")
            expectFailure(try cli(["-m", path, "-f", try noise(seconds: 0.5)]), naming: path, ["ends early"])
        }
    }

    func testEachFileGetsItsOwnVerdict() throws {
        let good = try noise(seconds: 1, name: "good.wav")
        let bad = try TemporaryFiles.write(Array("not audio at all\n".utf8), name: "bad.wav")
        let run = try cli(["-m", model, "-f", bad, "-f", good])
        expectFailure(run, naming: bad, ["not a WAV file"])
        XCTAssertFalse(run.stderr.contains("error: " + good), "the good file is not reported: \(run.stderr)")
    }

    // MARK: - Graceful limits

    func testBeamSearchTooLargeForMemorySaysHowMuchItNeeded() throws {
        // The CLI caps -bs at 8 (as whisper.cpp does); the library takes any beam size and refuses
        // what cannot fit. The crafted model's cache holds 1 layer × (keys, values, and a spare to
        // reorder beams) × 8 positions × 4 values × 4 bytes per beam.
        let perBeam = 1 * 3 * 8 * 4 * 4
        let beams = max(1_000_000_000, MemoryBudget.physicalMemory / perBeam * 4)
        let transcriber = try Transcriber(model: try WhisperModel(path: model))
        var options = TranscriptionOptions()
        options.decoding.beamSize = beams
        options.temperatures = [0]
        let samples = [Float](repeating: 0.01, count: 16_000)
        XCTAssertThrowsError(try transcriber.transcribe(samples: samples, options: options)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cannot allocate"), text)
            XCTAssertTrue(text.contains("\(beams * perBeam) bytes"), "the message gives the bytes needed: \(text)")
            XCTAssertTrue(text.contains("key/value cache"), text)
        }
    }

    // MARK: - Option values

    /// Every numeric option given extreme values: a usage error (exit 2) naming the option for
    /// what is out of range or not a number; never a trap, a hang or a runaway allocation.
    func testEveryNumericOptionAtItsExtremes() throws {
        let audio = try noise(seconds: 1)
        let options = ["-t", "-p", "-ot", "-d", "-mc", "-ml", "-bo", "-bs", "-et", "-lpt", "-nth", "-tp", "-tpi", "--seed",
                       "-vt", "-vspd", "-vsd", "-vmsd", "-vp", "-vo"]
        let alwaysRejected = ["nan", "inf", "-inf", "", "1e400", "abc"]
        let extremes = ["0", "-1", "1e-30", "1e30", "99999999999999999999", "-99999999999999999999", "1e-10"]
        for option in options {
            for value in alwaysRejected + extremes {
                let run = try cli(["-m", model, "-f", audio, "-bs", "1", "-nf", option, value], timeout: 60)
                let isInteger = !["-et", "-lpt", "-nth", "-tp", "-tpi", "-vt", "-vmsd", "-vo"].contains(option)
                if alwaysRejected.contains(value) || (isInteger && value.hasSuffix("99999999999999999999")) {
                    XCTAssertEqual(run.status, 2, "\(option) '\(value)': \(run.stderr)")
                }
                if run.status == 2 {
                    XCTAssertTrue(run.stderr.contains(option), "\(option) '\(value)': the message names the option: \(run.stderr)")
                }
            }
        }
        // The ones the probe found: a 40 GB temperature list, an endless one, 5000 beams.
        for (option, value, range) in [("-tpi", "1e-10", "0.01...1"), ("-tpi", "1e-30", "0.01...1"),
                                       ("-bs", "5000", "1...8"), ("-bo", "4000", "1...8")] {
            let run = try cli(["-m", model, "-f", audio, option, value], timeout: 10)
            XCTAssertEqual(run.status, 2, run.stderr)
            XCTAssertTrue(run.stderr.contains(range), "the valid range is given: \(run.stderr)")
        }
    }

    func testOffsetPastTheEndFails() throws {
        let run = try cli(["-m", model, "-f", try noise(seconds: 1), "-ot", "5000", "-bs", "1", "-nf"])
        expectFailure(run, naming: "audio", ["-ot", "only 1.000 s long"])
    }

    func testOutputNamesThatNameNoFile() throws {
        let audio = try noise(seconds: 1)
        for arguments in [["-of", "", "-otxt"], ["-of", "dir/", "-otxt"], ["--output-format", ""], ["--output-format", " , "]] {
            let run = try cli(["-m", model, "-f", audio] + arguments)
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
        }
    }

    // MARK: - Messages that name the right thing

    func testModelMessagesBlameTheRightField() throws {
        var b = ModelFileBuilder.tiny()
        b.header[3] = 127   // n_audio_state 127 with 1 head is fine; make the heads not divide it
        b.header[4] = 2
        var run = try cli(["-m", try b.write(name: "heads.bin"), "-f", try noise(seconds: 1)])
        expectFailure(run, naming: "heads.bin", ["n_audio_state = 127", "n_audio_head = 2"])

        b = ModelFileBuilder.tiny()
        b.header[10] = 1    // n_mels 1, filterbank 80 rows
        run = try cli(["-m", try b.write(name: "mels.bin"), "-f", try noise(seconds: 1)])
        expectFailure(run, naming: "mels.bin", ["n_mels = 1", "80 rows"])

        b = ModelFileBuilder.tiny()
        b.vocabulary = (0..<256).map { [UInt8($0), UInt8($0)] }    // no single-byte tokens
        let noBytes = try b.write(name: "nobytes.bin")
        run = try cli(["-m", noBytes, "-f", try noise(seconds: 1)])
        expectFailure(run, naming: "nobytes.bin", ["vocabulary", "byte"])
        let info = try CLIRunner.run(["model-info", noBytes])
        XCTAssertEqual(info.status, 1, info.stdout)
        XCTAssertTrue(info.stdout.contains("valid           no"), info.stdout)
    }

    func testNonFiniteWeightsAreReported() throws {
        var b = ModelFileBuilder.tiny()
        let index = try XCTUnwrap(b.tensors.firstIndex { $0.name == "encoder.blocks.0.mlp.0.weight" })
        b.tensors[index].data[0] = 0x00
        b.tensors[index].data[1] = 0x7E                                  // f16 NaN
        let path = try b.write(name: "nan.bin")
        let info = try CLIRunner.run(["model-info", path])
        XCTAssertEqual(info.status, 1)
        XCTAssertTrue(info.stdout.contains("NaN") && info.stdout.contains("encoder.blocks.0.mlp.0.weight"), info.stdout)
        let run = try cli(["-m", path, "-f", try noise(seconds: 1), "-bs", "1", "-nf"])
        expectFailure(run, naming: "noise.wav", ["NaN"])
        XCTAssertFalse(run.stdout.contains("!!"), run.stdout)
    }

    func testWAVMessagesBlameTheRightField() throws {
        var b = WAVBuilder(data: WAVBuilder.s16([1, 2, 3, 4]))
        b.blockAlign = 65535
        var run = try cli(["-m", model, "-f", try b.write(name: "align.wav")])
        expectFailure(run, naming: "align.wav", ["block alignment of 65535"])

        b = WAVBuilder(data: WAVBuilder.s16([1, 2, 3, 4]))
        b.extraChunks = [("LIST", [1, 2, 3, 4])]
        var bytes = b.bytes()
        // The LIST chunk's size field (after RIFF header 12, fmt chunk 8 + 16, LIST id 4) claims 4 GB.
        for i in 40..<44 { bytes[i] = 0xFF }
        let lying = try TemporaryFiles.write(bytes, name: "lying.wav")
        run = try cli(["-m", model, "-f", lying])
        expectFailure(run, naming: "lying.wav", ["'LIST' chunk claims 4294967295 bytes"])

        b = WAVBuilder(data: [7])
        run = try cli(["-m", model, "-f", try b.write(name: "onebyte.wav")])
        expectFailure(run, naming: "onebyte.wav", ["1 byte", "less than one frame"])
    }

    func testAWildFloatSampleIsClippedNotSilencing() throws {
        var b = WAVBuilder()
        b.formatCode = 3
        b.bitsPerSample = 32
        b.data = [Float(0.5), 1e38, -1e38, -0.25].flatMap { WAVBuilder.le32(Int($0.bitPattern)) }
        XCTAssertEqual(try WAVReader.readMono(path: try b.write()).samples, [0.5, 1, -1, -0.25])
    }

    func testBrokenAndLoopingLinksUnderRecursionAreReported() throws {
        let dir = try TemporaryDirectory("links")
        defer { dir.remove() }
        try dir.write("in/a.wav", Data(WAVBuilder(data: WAVBuilder.s16((0..<8000).map { Int16($0 % 200) })).bytes()))
        XCTAssertEqual(symlink(dir.file("in/missing.wav"), dir.file("in/broken.wav")), 0)
        XCTAssertEqual(symlink(dir.file("in/loop.wav"), dir.file("in/loop.wav")), 0)
        let run = try cli(["-m", model, "-r", dir.file("in"), "-bs", "1", "-nf"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("broken.wav") && run.stderr.contains("loop.wav"), run.stderr)
    }
}
