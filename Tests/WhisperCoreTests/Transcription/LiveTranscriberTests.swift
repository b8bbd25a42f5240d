import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// `LiveTranscriber`: whisper.cpp's sliding window over audio that arrives in pieces (real tiny.en).
final class LiveTranscriberTests: XCTestCase {
    private func live(_ window: LiveTranscriber.Window = .init()) throws -> LiveTranscriber {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin")), threads: 2)
        var options = TranscriptionOptions()
        options.decoding.beamSize = 1
        options.temperatures = [0]
        return LiveTranscriber(transcriber: transcriber, options: options, window: window)
    }

    func testStepsRevisePartialLinesUntilTheyAreFinal() throws {
        let live = try live()
        let samples = try AudioLoader.loadMono16k(path: try SharedData.sample("jfk.wav"))
        var lines: [LiveTranscriber.Line] = []
        for start in stride(from: 0, to: samples.count, by: 1600) {     // 100 ms pieces, as a pipe gives them
            live.append(Array(samples[start..<min(samples.count, start + 1600)]))
            while live.isReady { lines.append(try live.step()) }
        }
        // 11 s of audio: steps at 3, 6, 9 s; a line is final every 10000 / 3000 − 1 = 2 steps.
        XCTAssertEqual(lines.count, 3)
        guard lines.count == 3 else { return }
        guard case .partial = lines[0], case .final(let first) = lines[1], case .partial = lines[2] else {
            return XCTFail("\(lines)")
        }
        XCTAssertTrue(first.hasPrefix("And so my fellow Americans"), first)
        let last = try XCTUnwrap(try live.finish())
        XCTAssertTrue(last.lowercased().contains("for your country"), last)
        XCTAssertNil(try live.finish(), "nothing left after the last line")
        XCTAssertEqual(live.droppedSamples, 0)
    }

    func testAudioThatOutrunsTheTranscriptionIsDroppedNotQueued() throws {
        let live = try live()
        live.append([Float](repeating: 0, count: 16000 * 25))
        XCTAssertEqual(live.droppedSamples, 16000 * 15, "at most --length (10 s) waits")
        XCTAssertTrue(live.isReady)
        guard case .partial(let text) = try live.step() else { return XCTFail() }
        XCTAssertEqual(text, "", "silence gives no text")
        XCTAssertFalse(live.isReady)
    }
}

/// `UtteranceTranscriber`: live audio cut at pauses by the Silero VAD, a line per utterance.
final class UtteranceTranscriberTests: XCTestCase {
    func testAnUtteranceIsPrintedOnceAPauseEndsIt() throws {
        PlatformHost.install()
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin")), threads: 2)
        let vad = SileroVAD(model: try SileroVADModel(loading: try SharedData.model("silero-v6.2.0-ggml.bin")))
        var options = TranscriptionOptions()
        options.decoding.beamSize = 1
        options.temperatures = [0]
        let live = UtteranceTranscriber(transcriber: transcriber, vad: vad, options: options)
        let jfk = try AudioLoader.loadMono16k(path: try SharedData.sample("jfk.wav"))
        let short = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-short.wav"))
        let audio = jfk + [Float](repeating: 0, count: 16000) + short + [Float](repeating: 0, count: 16000)
        var lines: [(text: String, at: Int)] = []
        for start in stride(from: 0, to: audio.count, by: 1600) {
            for text in try live.append(Array(audio[start..<min(audio.count, start + 1600)])) {
                lines.append((text, min(audio.count, start + 1600)))
            }
        }
        XCTAssertNil(try live.finish(), "both utterances were closed by the silence after them")
        let text = lines.map(\.text).joined(separator: " | ")
        XCTAssertTrue(text.lowercased().contains("for your country"), text)
        XCTAssertTrue(text.lowercased().contains("lazy dog"), text)
        // Each line comes within a second of its utterance's end (+ 0.5 s of pause to close it):
        // the jfk line before speech-short starts.
        let jfkLine = try XCTUnwrap(lines.first { $0.text.lowercased().contains("country") })
        XCTAssertLessThan(jfkLine.at, jfk.count + 16000, "the jfk.wav utterance closes in the pause after it")
    }
}
