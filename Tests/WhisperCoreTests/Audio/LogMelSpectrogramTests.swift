import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class LogMelSpectrogramTests: XCTestCase {
    private func spectrogram(model: String) throws -> LogMelSpectrogram {
        LogMelSpectrogram(filters: try GGMLModelFile(path: try SharedData.model(model)).melFilters)
    }

    /// The reference's shape file: "n_mels n_frames".
    private func referenceShape(_ name: String) throws -> (Int, Int) {
        let text = try String(contentsOfFile: try SharedData.reference("mel/\(name).shape.txt"), encoding: .utf8)
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        guard numbers.count == 2 else { throw XCTSkip("unreadable shape file for \(name)") }
        return (numbers[0], numbers[1])
    }

    // MARK: - Parity with whisper.cpp

    /// Max |ours − whisper.cpp| over the whole spectrogram (the padded tail included).
    private func assertParity(sample: String, model: String, reference: String,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let mel = try spectrogram(model: model)
        let samples = try AudioLoader.loadMono16k(path: try SharedData.sample(sample))
        let (mels, frames) = try referenceShape(reference)
        let expected = try SharedData.readFloats(try SharedData.reference("mel/\(reference).f32"))
        let result = mel.compute(samples: samples)
        XCTAssertEqual(result.melCount, mels, file: file, line: line)
        XCTAssertEqual(result.frameCount, frames, file: file, line: line)
        XCTAssertEqual(expected.count, mels * frames, file: file, line: line)
        guard result.values.count == expected.count else { return }
        var maxDiff: Float = 0
        var worst = 0
        for i in expected.indices where abs(result.values[i] - expected[i]) > maxDiff {
            maxDiff = abs(result.values[i] - expected[i])
            worst = i
        }
        print("log-mel \(reference): max |Δ| = \(String(format: "%.2e", maxDiff)) at mel \(worst / frames), frame \(worst % frames)")
        XCTAssertLessThanOrEqual(maxDiff, 1e-4, "\(reference)", file: file, line: line)
    }

    func testJFK80MelsMatchWhisperCpp() throws {
        try assertParity(sample: "jfk.wav", model: "nano-synthetic-f16.bin", reference: "jfk.mel80")
    }

    func testSpeechShort80MelsMatchWhisperCpp() throws {
        try assertParity(sample: "speech-short.wav", model: "nano-synthetic-f16.bin", reference: "speech-short.mel80")
    }

    func testJFK128MelsMatchWhisperCpp() throws {
        try assertParity(sample: "jfk.wav", model: "nano-v3-synthetic-f16.bin", reference: "jfk.mel128")
    }

    func testJFKMatchesTheFloat64Reference() throws {
        // The NumPy float64 reference isolates our own Float32 rounding from whisper.cpp's.
        let model = try SharedData.model("nano-synthetic-f16.bin"), audio = try SharedData.sample("jfk.wav")
        let expected = try PythonReference.mel(model: model, audio: audio)
        let result = try spectrogram(model: "nano-synthetic-f16.bin").compute(samples: try AudioLoader.loadMono16k(path: audio))
        XCTAssertEqual(result.values.count, expected.count)
        guard result.values.count == expected.count else { return }
        let maxDiff = zip(result.values, expected).map { abs($0 - $1) }.max() ?? 1
        print("log-mel jfk.mel80 vs float64 reference: max |Δ| = \(String(format: "%.2e", maxDiff))")
        XCTAssertLessThanOrEqual(maxDiff, 1e-4)
    }

    // MARK: - Structure

    func testFrameCountsAndSilence() throws {
        XCTAssertEqual(LogMelSpectrogram.frameCount(sampleCount: 176_000), 4100)
        XCTAssertEqual(LogMelSpectrogram.frameCount(sampleCount: 55_015), 3343)
        XCTAssertEqual(LogMelSpectrogram.frameCount(sampleCount: 0), 3000)
        XCTAssertEqual(LogMelSpectrogram.frameCount(sampleCount: 159), 3000)
        XCTAssertEqual(LogMelSpectrogram.frameCount(sampleCount: 160), 3001)

        // Nothing but padding: every raw value is log10(1e-10) = −10, which is also the maximum,
        // so everything normalizes to (−10 + 4) / 4.
        let mel = try spectrogram(model: "nano-synthetic-f16.bin")
        let empty = mel.compute(samples: [])
        XCTAssertEqual(empty.frameCount, 3000)
        XCTAssertTrue(empty.values.allSatisfy { $0 == -1.5 })
    }

    func testToneLightsUpTheRightMelBand() throws {
        // A 1 kHz tone: the loudest band must be the one whose filter peaks nearest 1 kHz
        // (bin 25 = 1000 Hz at 40 Hz per bin).
        let mel = try spectrogram(model: "nano-synthetic-f16.bin")
        let samples = (0..<16000).map { Float(0.5 * sin(2 * Double.pi * 1000 * Double($0) / 16000)) }
        let result = mel.compute(samples: samples)
        let frame = 50
        let loudest = (0..<80).max { result[$0, frame] < result[$1, frame] }!
        let peakBin = (0..<80).map { m in (0..<201).max { mel.filters[m * 201 + $0] < mel.filters[m * 201 + $1] }! }
        let expected = (0..<80).min { abs(peakBin[$0] - 25) < abs(peakBin[$1] - 25) }!
        XCTAssertLessThanOrEqual(abs(loudest - expected), 1)
        XCTAssertEqual(result[loudest, frame], (result.values.max()!), accuracy: 1e-6)
    }

    func testResultsDoNotDependOnTheThreadCount() throws {
        let mel = try spectrogram(model: "nano-synthetic-f16.bin")
        let samples = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-short.wav"))
        let serial = mel.compute(samples: samples, executor: .serial)
        for threads in [2, 3, 8] {
            XCTAssertTrue(mel.compute(samples: samples, executor: ParallelExecutor(threads: threads)) == serial,
                          "\(threads) threads")
        }
    }

    func testRangesFromSampleWindowsReproduceTheWholeSpectrogram() throws {
        // Streaming: frames computed piecewise, each from just the samples it needs, then
        // normalized with the maximum over all pieces, equal the whole-recording result exactly.
        let mel = try spectrogram(model: "nano-synthetic-f16.bin")
        let samples = try AudioLoader.loadMono16k(path: try SharedData.sample("jfk.wav"))
        let whole = mel.compute(samples: samples)
        let frames = whole.frameCount
        var values = [Float](repeating: .nan, count: mel.melCount * frames)
        var maximum = -Float.infinity
        var start = 0
        var sizes = [1, 2, 333, 1000, 7, 1500]
        while start < frames {
            let count = min(sizes.removeFirst(), frames - start)
            sizes.append(count)
            let range = start..<(start + count)
            let needed = LogMelSpectrogram.requiredSamples(forFrames: range)
            // Only the needed samples that exist; the rest is the zero padding.
            let lower = min(needed.lowerBound, samples.count), upper = min(needed.upperBound, samples.count)
            let window = Array(samples[lower..<upper])
            let pieceMax = window.withUnsafeBufferPointer { w in
                values.withUnsafeMutableBufferPointer { out in
                    mel.rawLogMel(frames: range, window: w, windowStart: lower, sampleCount: samples.count,
                                  into: out.baseAddress! + start, rowStride: frames)
                }
            }
            maximum = max(maximum, pieceMax)
            start += count
        }
        values.withUnsafeMutableBufferPointer { LogMelSpectrogram.normalize($0, maximum: maximum) }
        XCTAssertTrue(values == whole.values)

        // Without the length (still recording), a window that reaches far enough works too.
        let range = 100..<200
        let needed = LogMelSpectrogram.requiredSamples(forFrames: range)
        XCTAssertEqual(needed, (100 * 160 - 200)..<(199 * 160 + 200))
        var piece = [Float](repeating: 0, count: mel.melCount * range.count)
        let window = Array(samples[needed])
        _ = window.withUnsafeBufferPointer { w in
            piece.withUnsafeMutableBufferPointer { out in
                mel.rawLogMel(frames: range, window: w, windowStart: needed.lowerBound, sampleCount: nil,
                              into: out.baseAddress!, rowStride: range.count)
            }
        }
        piece.withUnsafeMutableBufferPointer { LogMelSpectrogram.normalize($0, maximum: maximum) }
        for m in 0..<mel.melCount {
            XCTAssertEqual(Array(piece[(m * 100)..<(m * 100 + 100)]), Array(whole.values[(m * frames + 100)..<(m * frames + 200)]))
        }
        // The first frames reach back into the reflection of samples 1...200.
        XCTAssertEqual(LogMelSpectrogram.requiredSamples(forFrames: 0..<1), 0..<201)
    }

    func testInvalidFilterBankIsRefused() {
        XCTAssertThrowsError(try LogMelSpectrogram(filters: [Float](repeating: 0, count: 200), melCount: 1)) { error in
            XCTAssertEqual(error as? AudioError, .invalidMelFilters(melCount: 1, valueCount: 200))
        }
        XCTAssertThrowsError(try LogMelSpectrogram(filters: [], melCount: 0))
    }

    // MARK: - Speed

    func testSpeedOfThirtySeconds() throws {
        let mel = try spectrogram(model: "nano-synthetic-f16.bin")
        let long = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-long.wav"))
        let samples = Array(long.prefix(480_000))
        _ = mel.compute(samples: samples)   // warm-up
        var best = Double.infinity
        for _ in 0..<3 {
            let start = Date()
            _ = mel.compute(samples: samples)
            best = min(best, Date().timeIntervalSince(start))
        }
        // The raw part over the 3000 frames of audio alone (the 30 s of padding are cheap silence).
        var raw = [Float](repeating: 0, count: 80 * 3000)
        var bestRaw = Double.infinity
        for _ in 0..<3 {
            let start = Date()
            _ = samples.withUnsafeBufferPointer { w in
                raw.withUnsafeMutableBufferPointer { out in
                    mel.rawLogMel(frames: 0..<3000, window: w, windowStart: 0, sampleCount: samples.count,
                                  into: out.baseAddress!, rowStride: 3000)
                }
            }
            bestRaw = min(bestRaw, Date().timeIntervalSince(start))
        }
        print("LogMelSpectrogram: 30 s of speech (+30 s padding) in \(String(format: "%.1f", best * 1000)) ms, "
              + "3000 speech frames in \(String(format: "%.1f", bestRaw * 1000)) ms (one thread)")
    }
}
