import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Transcribing a file in bounded memory (`transcribe(file:)`, `transcribe(stream:)`) gives the same
/// segments and windows as transcribing its samples in memory (`transcribe(samples:)`), bit for bit.
final class StreamingTranscriptionTests: XCTestCase {
    private static var transcribers: [String: Transcriber] = [:]

    private func transcriber(_ model: String) throws -> Transcriber {
        if let cached = Self.transcribers[model] { return cached }
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model(model)), threads: 2)
        Self.transcribers[model] = transcriber
        return transcriber
    }

    /// Greedy, no temperature fallback (fast and deterministic); English for the multilingual models.
    private func options(offset: Double = 0, duration: Double? = nil) -> TranscriptionOptions {
        var o = TranscriptionOptions()
        o.temperatures = [0]
        o.decoding.language = "en"
        o.offset = offset
        o.duration = duration
        return o
    }

    private func assertSame(_ streamed: TranscriptionResult, _ whole: TranscriptionResult, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(streamed.segments, whole.segments, label, file: file, line: line)
        XCTAssertEqual(streamed.windows, whole.windows, label, file: file, line: line)
        XCTAssertEqual(streamed.language, whole.language, label, file: file, line: line)
    }

    private func compare(model: String, path: String, _ cases: [TranscriptionOptions]) throws {
        let transcriber = try transcriber(model)
        let samples = try AudioLoader.loadMono16k(path: path)
        for options in cases {
            let label = "\(model), offset \(options.offset), duration \(options.duration.map { "\($0)" } ?? "-")"
            let whole = try transcriber.transcribe(samples: samples, options: options)
            if Int(options.offset * 16000) + 16000 < samples.count {
                XCTAssertFalse(whole.windows.isEmpty, "\(label): nothing was decoded")
            }
            var reported: [Segment] = []
            let streamed = try transcriber.transcribe(file: path, options: options) { reported.append($0) }
            assertSame(streamed, whole, label)
            XCTAssertEqual(reported, whole.segments, "\(label): segments reported as decoded")
            if let first = whole.segments.first {
                XCTAssertGreaterThanOrEqual(first.start, options.offset, label)
            }
        }
    }

    func testSpeechLongNano() throws {
        let path = try SharedData.sample("speech-long.wav")
        try compare(model: "nano-synthetic-f16.bin", path: path,
                    [options(), options(offset: 7.3), options(offset: 12.5, duration: 31.25), options(offset: 60)])
    }

    func testSpeechLongTinyEn() throws {
        // tiny.en is slower: at most 64 tokens per window (the seek loop still cuts, seeks and
        // prompts as usual); the whole file, then a selection.
        var full = options()
        full.decoding.language = nil
        full.decoding.sampleLength = 64
        var selected = full
        selected.offset = 21.0
        selected.duration = 14.5
        try compare(model: "tiny.en-synthetic-f16.bin", path: try SharedData.sample("speech-long.wav"), [full, selected])
    }

    func testSynthesizedLongRecordingNano() throws {
        // 2 minutes with a loud burst near the end (the global maximum), written as a WAV file.
        let path = try LongRecording.write(try LongRecording.speech(seconds: 120), name: "long.wav")
        try compare(model: "nano-synthetic-f16.bin", path: path, [options(), options(offset: 75.5, duration: 40)])
    }

    func testLyingDataSizeTranscribesTheWholeFile() throws {
        let samples = try LongRecording.speech(seconds: 70)
        let honest = try LongRecording.write(samples, name: "honest.wav")
        let lying = try LongRecording.write(samples, name: "lying.wav", lyingSize: true)
        let transcriber = try transcriber("nano-synthetic-f16.bin")
        let whole = try transcriber.transcribe(samples: try AudioLoader.loadMono16k(path: honest), options: options())
        assertSame(try transcriber.transcribe(file: lying, options: options()), whole, "0xFFFFFFFF data size")
        XCTAssertGreaterThan(whole.windows.last?.seek ?? 0, 3000, "the second half was transcribed")
    }

    func testCallbackOnlyTranscriptionKeepsNothing() throws {
        let path = try SharedData.sample("speech-long.wav")
        let transcriber = try transcriber("nano-synthetic-f16.bin")
        var options = options()
        let whole = try transcriber.transcribe(file: path, options: options)
        options.collectsSegments = false
        var reported: [Segment] = []
        let result = try transcriber.transcribe(file: path, options: options) { reported.append($0) }
        XCTAssertTrue(result.segments.isEmpty)
        XCTAssertTrue(result.windows.isEmpty)
        XCTAssertEqual(result.timings.windows, whole.windows.count)
        XCTAssertEqual(reported, whole.segments)
    }

    func testLongInitialPromptIsCutAsTheDecoderCutsIt() throws {
        // The prompt history keeps only what a prompt can use; the first window's prompt is still
        // the newest nTextCtx/2 − 1 tokens of a 600-token initial prompt, as with the whole list.
        let transcriber = try transcriber("nano-synthetic-f16.bin")
        var o = options(duration: 12)
        o.decoding.sampleLength = 16
        o.initialPrompt = (0..<600).map { "w\($0 % 10)" }.joined(separator: " ")
        let encoded = transcriber.tokenizer.encode(" " + o.initialPrompt!)
        let keep = transcriber.model.hyperparameters.nTextCtx / 2 - 1
        XCTAssertGreaterThan(encoded.count, 2 * keep)
        let result = try transcriber.transcribe(file: try SharedData.sample("speech-long.wav"), options: o)
        let initial = try XCTUnwrap(result.windows.first?.result.initialTokens)
        let specials = transcriber.tokenizer.specialTokens
        XCTAssertEqual(initial.first, specials.startOfPrevious)
        XCTAssertEqual(Array(initial[1...keep]), Array(encoded.suffix(keep)))
        XCTAssertEqual(initial[keep + 1], specials.startOfTranscript)
    }

    func testAutomaticLanguageIsDetectedAlikeStreamedAndInMemory() throws {
        var o = options(offset: 3.5)
        o.decoding.language = nil
        try compare(model: "nano-synthetic-f16.bin", path: try SharedData.sample("speech-long.wav"), [o])
    }

    func testTranscriptionDetectsTheLanguageOnTheWholeRecordingsSpectrogram() throws {
        // OpenAI's transcribe() detects on the first 3000 frames of the whole recording's
        // spectrogram, normalized with the maximum over all of it — as the float64 reference's
        // teacher forcing does. The loop does the same from whichever window source it reads.
        // The recording's loudest moment (a tone burst) comes after the first 30 s.
        let path = try LongRecording.write(try LongRecording.speech(seconds: 80), name: "detect.wav")
        let modelPath = try SharedData.model("nano-synthetic-f16.bin")
        let transcriber = try transcriber("nano-synthetic-f16.bin")
        let specials = transcriber.tokenizer.specialTokens
        let samples = try AudioLoader.loadMono16k(path: path)
        let mel = LogMelSpectrogram(filters: transcriber.model.file.melFilters).compute(samples: samples, executor: transcriber.executor)
        let spooled = try SpooledMelSpectrogram(stream: Mono16kStream(path: path),
                                                frontEnd: LogMelSpectrogram(filters: transcriber.model.file.melFilters))
        let detected = try transcriber.detectLanguage(in: mel)
        let fromFile = try transcriber.detectLanguage(in: spooled)
        XCTAssertEqual(fromFile.map(\.language.code), detected.map(\.language.code))
        XCTAssertEqual(fromFile.map(\.probability), detected.map(\.probability))

        let logits = try PythonReference.logits(model: modelPath, audio: path, tokens: [specials.startOfTranscript])
        let range = specials.languageTokens
        let maxLogit = range.map { Double(logits[$0]) }.max()!
        let total = range.map { exp(Double(logits[$0]) - maxLogit) }.reduce(0, +)
        func reference(_ language: Language) -> Double {
            exp(Double(logits[specials.token(for: language)!]) - maxLogit) / total
        }
        for (language, probability) in detected.prefix(5) {
            XCTAssertEqual(probability, reference(language), accuracy: 1e-3, language.code)
        }
        // The first 30 s alone (normalized with their own maximum) give another distribution.
        let clipOnly = try transcriber.detectLanguage(samples: samples)
        let worst = clipOnly.prefix(5).map { abs($0.probability - reference($0.language)) }.max() ?? 0
        print("language detection: whole-recording spectrogram vs clip-only, largest difference from the reference: \(worst)")
        XCTAssertGreaterThan(worst, 1e-3)

        var o = options()
        o.decoding.language = nil
        o.decoding.sampleLength = 4
        XCTAssertEqual(try transcriber.transcribe(file: path, options: o).language, detected.first?.language.code)
    }

    func testVoiceActivityDetectionStreamedEqualsInMemory() throws {
        let path = try SharedData.sample("jfk.wav")
        let transcriber = try transcriber("nano-synthetic-f16.bin")
        var o = options(offset: 0.5, duration: 9)
        o.vad = VADOptions(modelPath: try SharedData.model("silero-v6.2.0-ggml.bin"))
        let whole = try transcriber.transcribe(samples: try AudioLoader.loadMono16k(path: path), options: o)
        let streamed = try transcriber.transcribe(file: path, options: o)
        XCTAssertFalse(whole.segments.isEmpty)
        XCTAssertEqual(streamed.segments, whole.segments)
        XCTAssertEqual(streamed.windows, whole.windows)
    }

    func testLanguageDetectionFromAFileReadsOnlyTheFirstWindow() throws {
        let path = try SharedData.sample("speech-long.wav")
        let transcriber = try transcriber("nano-synthetic-f16.bin")
        let samples = try AudioLoader.loadMono16k(path: path)
        for offset in [0, 12.5] {
            var o = options(offset: offset)
            o.decoding.language = nil
            let expected = try transcriber.detectLanguage(samples: samples, options: o)
            let detected = try transcriber.detectLanguage(file: path, options: o)
            XCTAssertFalse(expected.isEmpty)
            XCTAssertEqual(detected.map(\.language.code), expected.map(\.language.code))
            XCTAssertEqual(detected.map(\.probability), expected.map(\.probability))
        }
    }

    func testSegmentPastOneHourOfAPipedRecording() throws {
        // An hour and a bit, streamed through a pipe (never held, never written to disk): an hour
        // of silence, then speech. With the offset just before the speech, the hour is decoded and
        // skipped; the segments are those of the clip alone, shifted by the offset exactly, and
        // print past one hour.
        let speech = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-short.wav"))
        let hour = 3600 * 16000
        let pipe = try PipedWAV(silentSamples: hour, then: speech)
        let reader = try WAVReader(fileDescriptor: pipe.readEnd, name: "pipe", closeWhenDone: false)
        XCTAssertNil(reader.expectedFrameCount, "a pipe with a streaming header has no known length")
        let transcriber = try transcriber("nano-synthetic-f16.bin")
        let offset = 3599.0
        let streamed = try transcriber.transcribe(stream: try Mono16kStream(reader: reader), options: options(offset: offset))

        // What the selection holds: 1 s of silence, then the speech (s16-quantized as in the pipe).
        let quantized = LongRecording.s16(speech).withUnsafeBytes { raw in
            (0..<speech.count).map { Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self))) / 32768 }
        }
        let clip = [Float](repeating: 0, count: 16000) + quantized
        let local = try transcriber.transcribe(samples: clip, options: options())
        XCTAssertFalse(local.segments.isEmpty)
        XCTAssertEqual(streamed.segments.count, local.segments.count)
        for (s, l) in zip(streamed.segments, local.segments) {
            XCTAssertEqual(s.start, offset + l.start)
            XCTAssertEqual(s.end, offset + l.end)
            XCTAssertEqual(s.tokens, l.tokens)
            XCTAssertGreaterThanOrEqual(s.start, 3599)
        }
        XCTAssertEqual(streamed.windows.map(\.seek), local.windows.map(\.seek))
        XCTAssertEqual(streamed.windows.map(\.result), local.windows.map(\.result))
        XCTAssertEqual(streamed.windows.map(\.start), local.windows.map { offset + $0.start })
        // The speech starts at 1:00:00, so the last segment ends past the hour; it prints as
        // 01:00:ss.mmm in every style (the subtitle styles included).
        let end = try XCTUnwrap(streamed.segments.last?.end)
        XCTAssertGreaterThan(end, 3600)
        let ms = Int((end * 1000).rounded()) - 3_600_000
        let expected = String(format: "01:00:%02d.%03d", ms / 1000, ms % 1000)
        XCTAssertEqual(Timestamp.format(end), expected)
        XCTAssertEqual(Timestamp.format(end, alwaysIncludeHours: false), expected)
        XCTAssertEqual(Timestamp.format(end, separator: ","), expected.replacingOccurrences(of: ".", with: ","))
        print("past one hour: " + streamed.segments.map { "[\(Timestamp.format($0.start)) --> \(Timestamp.format($0.end))]" }.joined(separator: " "))
    }
}
