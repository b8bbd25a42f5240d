import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The streaming front end (`SpooledMelSpectrogram`) against `LogMelSpectrogram.compute` on the
/// same samples in memory: every window bit for bit, whatever the selection, the sample rate or
/// the header; and the memory it holds does not grow with the recording.
final class SpooledMelSpectrogramTests: XCTestCase {
    private func frontEnd(_ model: String = "nano-synthetic-f16.bin") throws -> LogMelSpectrogram {
        LogMelSpectrogram(filters: try GGMLModelFile(path: try SharedData.model(model)).melFilters)
    }

    private func window(_ source: some MelWindowSource, start: Int, count: Int) throws -> [UInt32] {
        var out = [Float](repeating: .nan, count: source.melCount * LogMelSpectrogram.framesPerWindow)
        try out.withUnsafeMutableBufferPointer { try source.readWindow(start: start, count: count, into: $0) }
        return out.map(\.bitPattern)
    }

    /// Windows at every 30 s step, at odd places, at the end of the content and reaching into the
    /// appended silence: all bit-identical.
    private func assertSameWindows(_ spooled: SpooledMelSpectrogram, _ whole: MelSpectrogram, _ label: String,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(spooled.frameCount, whole.frameCount, label, file: file, line: line)
        XCTAssertEqual(spooled.contentFrames, whole.contentFrames, label, file: file, line: line)
        let content = whole.contentFrames
        var starts = Array(stride(from: 0, to: content, by: 3000)) + [1, 1234, 2999, content / 2, content - 1]
        starts = starts.filter { $0 >= 0 && $0 < max(1, content) }
        for start in starts {
            let count = min(3000, content - start)
            XCTAssertEqual(try window(spooled, start: start, count: count), try window(whole, start: start, count: count),
                           "\(label): window at \(start)", file: file, line: line)
        }
        // Into the appended silence: stored frames and the unstored silent ones alike.
        let late = max(0, content - 7)
        XCTAssertEqual(try window(spooled, start: late, count: 3000), try window(whole, start: late, count: 3000),
                       "\(label): window into the padding", file: file, line: line)
    }

    private func spool(_ path: String, _ frontEnd: LogMelSpectrogram, skip: Int = 0, limit: Int? = nil,
                       threads: Int = 2) throws -> SpooledMelSpectrogram {
        try SpooledMelSpectrogram(stream: Mono16kStream(path: path), frontEnd: frontEnd, skipping: skip, limit: limit,
                                  executor: ParallelExecutor(threads: threads))
    }

    func testSpeechLongWithSelectionsEqualsTheWholeSpectrogram() throws {
        let mel = try frontEnd()
        let path = try SharedData.sample("speech-long.wav")
        let samples = try AudioLoader.loadMono16k(path: path)
        let selections: [(Int, Int?)] = [(0, nil), (116_800, nil), (160_000, 480_000), (3, 17), (0, 100),
                                         (samples.count - 50, nil), (samples.count + 5, nil), (0, 0)]
        for (skip, limit) in selections {
            let range = SampleSelection(first: skip, limit: limit).range(in: samples.count)
            let whole = mel.compute(samples: Array(samples[range]))
            let spooled = try spool(path, mel, skip: skip, limit: limit)
            XCTAssertEqual(spooled.sampleCount, range.count)
            XCTAssertEqual(spooled.skippedSamples, range.lowerBound)
            try assertSameWindows(spooled, whole, "skip \(skip), limit \(limit.map(String.init) ?? "-")")
        }
    }

    func testResampledStereoFileEqualsTheWholeSpectrogram() throws {
        // 44.1 kHz stereo: the resampler's streaming output feeds the pass.
        let mel = try frontEnd("nano-v3-synthetic-f16.bin")   // 128 mel bands
        XCTAssertEqual(mel.melCount, 128)
        let path = try SharedData.sample("jfk-44k-stereo.wav")
        let whole = mel.compute(samples: try AudioLoader.loadMono16k(path: path))
        try assertSameWindows(try spool(path, mel, threads: 1), whole, "jfk-44k-stereo")
    }

    func testLongRecordingUsesTheGlobalMaximum() throws {
        let mel = try frontEnd()
        let samples = try LongRecording.speech(seconds: 200)
        let path = try LongRecording.write(samples, name: "long.wav")
        let decoded = try AudioLoader.loadMono16k(path: path)   // s16-quantized, as the file holds it
        let spooled = try spool(path, mel)
        try assertSameWindows(spooled, mel.compute(samples: decoded), "200 s")
        // The test can fail: the first minute alone has a lower maximum, so normalizing with a
        // running maximum would change the early windows.
        let early = mel.compute(samples: Array(decoded[0..<(60 * 16000)]))
        XCTAssertNotEqual(try window(spooled, start: 0, count: 3000), try window(early, start: 0, count: 3000))
    }

    func testDataSizeFieldOfAllOnesIsStreamedToTheEnd() throws {
        // A streaming writer's header: data size 0xFFFFFFFF (and RIFF size too). The file is read to its end.
        let mel = try frontEnd()
        let samples = try LongRecording.speech(seconds: 75)
        let honest = try LongRecording.write(samples, name: "honest.wav")
        let lying = try LongRecording.write(samples, name: "lying.wav", lyingSize: true)
        let decoded = try AudioLoader.loadMono16k(path: honest)
        XCTAssertEqual(decoded.count, samples.count)
        let spooled = try spool(lying, mel)
        XCTAssertEqual(spooled.sampleCount, samples.count)
        try assertSameWindows(spooled, mel.compute(samples: decoded), "0xFFFFFFFF")
        let selected = try spool(lying, mel, skip: 16000 * 31, limit: 16000 * 20)
        try assertSameWindows(selected, mel.compute(samples: Array(decoded[(16000 * 31)..<(16000 * 51)])), "0xFFFFFFFF, selection")
    }

    func testMemoryDoesNotGrowWithTheRecording() throws {
        // The pass holds one step of samples (30 s and the STFT context) plus one chunk from the
        // stream, however long the recording: 20 s and 10 minutes hold the same.
        let mel = try frontEnd()
        let bound = LogMelSpectrogram.requiredSamples(forFrames: 0..<SpooledMelSpectrogram.framesPerStep).count + (1 << 16)
        var peaks: [Int] = []
        for seconds in [20.0, 600.0] {
            let path = try LongRecording.write(try LongRecording.speech(seconds: seconds), name: "mem.wav")
            let spooled = try spool(path, mel)
            XCTAssertLessThanOrEqual(spooled.peakBufferedSamples, bound, "\(seconds) s")
            peaks.append(spooled.peakBufferedSamples)
            try FileManager.default.removeItem(atPath: path)
        }
        print("spool pass: peak samples held \(peaks) (bound \(bound))")
    }

    func testEmptyRecordingHasNoContent() throws {
        let mel = try frontEnd()
        let path = try LongRecording.write([], name: "empty.wav")
        let spooled = try spool(path, mel)
        XCTAssertEqual(spooled.sampleCount, 0)
        XCTAssertEqual(spooled.contentFrames, 0)
        try assertSameWindows(spooled, mel.compute(samples: []), "empty")
    }

    // MARK: - The temporary file

    func testScratchFileIsUnlinkedAndReadsBackWhatWasWritten() throws {
        let directory = try TemporaryFiles.directory()
        let file = try ScratchFile(directory: directory.path, prefix: "scratch-")
        XCTAssertTrue(file.path.hasPrefix(directory.path + "/scratch-"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.path), "the file is unlinked at once")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
        let bytes: [UInt8] = (0..<1000).map { UInt8($0 % 251) }
        try bytes.withUnsafeBytes { try file.write($0, at: 0) }
        try bytes.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[0..<10]), at: 5000) }
        XCTAssertEqual(file.size, 5010)
        var back = [UInt8](repeating: 0, count: 400)
        try back.withUnsafeMutableBytes { try file.read(into: $0, at: 300) }
        XCTAssertEqual(back, Array(bytes[300..<700]))
        XCTAssertThrowsError(try back.withUnsafeMutableBytes { try file.read(into: $0, at: 4800) }) { error in
            guard case .temporaryFileFailed(let path, _)? = error as? AudioError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(path, file.path)
        }
    }

    func testUnusableTemporaryDirectoryIsAnError() throws {
        let missing = "/nonexistent-\(UUID().uuidString)"
        XCTAssertThrowsError(try SpooledMelSpectrogram(stream: Mono16kStream(path: try SharedData.sample("jfk.wav")),
                                                       frontEnd: try frontEnd(), temporaryDirectory: missing)) { error in
            guard case .temporaryFileFailed(let path, _)? = error as? AudioError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue(path.hasPrefix(missing))
            XCTAssertTrue("\(error)".contains("TMPDIR"), "\(error)")
        }
    }
}
