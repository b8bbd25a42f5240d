import Foundation

/// Transcribes recordings of any length with a loaded model: OpenAI's `transcribe()` seek loop.
///
/// The log-mel spectrogram of the whole recording is cut into 30-second windows. Each window is
/// encoded once and decoded (retrying at higher temperatures while the result looks wrong); its
/// tokens are cut into segments at consecutive timestamp pairs, and the next window starts where the
/// last complete segment ended. The text so far is the next window's prompt.
public final class Transcriber: @unchecked Sendable {
    public let model: WhisperModel
    public let tokenizer: Tokenizer
    public let encoder: AudioEncoder
    public let decoder: TextDecoder
    public let executor: ParallelExecutor
    private let windowDecoder: WindowDecoder

    public static let sampleRate = 16_000
    /// Samples between mel frames (10 ms).
    public static let hopLength = 160
    public static let windowFrames = 3000

    public init(model: WhisperModel, threads: Int = 1) throws {
        self.model = model
        tokenizer = try Tokenizer(vocabulary: model.file.vocabulary, vocabularySize: model.hyperparameters.nVocab)
        encoder = try AudioEncoder(weights: model.weights.encoder, hyperparameters: model.hyperparameters)
        decoder = TextDecoder(weights: model.weights.decoder, hyperparameters: model.hyperparameters)
        executor = ParallelExecutor(threads: threads)
        windowDecoder = try WindowDecoder(decoder: decoder, tokenizer: tokenizer, executor: executor)
    }

    /// Transcribes 16 kHz mono samples. `onSegment` receives each segment as soon as its window is decoded.
    /// With `options.vad`, only the detected speech is transcribed (see `transcribeSpeechOnly`).
    public func transcribe(samples: [Float], options: TranscriptionOptions = TranscriptionOptions(),
                           onSegment: ((Segment) -> Void)? = nil) throws -> TranscriptionResult {
        if let vad = options.vad {
            return try transcribeSpeechOnly(samples: samples, options: options, vad: vad, onSegment: onSegment)
        }
        var timings = Timings()
        let h = model.hyperparameters
        let specials = tokenizer.specialTokens

        // Offset and duration select part of the recording; times stay relative to its start.
        let first = min(samples.count, max(0, Int((options.offset * Double(Self.sampleRate)).rounded())))
        var last = samples.count
        if let duration = options.duration, duration > 0 {
            last = min(samples.count, first + Int((duration * Double(Self.sampleRate)).rounded()))
        }
        let clip = Array(samples[first..<last])
        let baseTime = Double(first) / Double(Self.sampleRate)

        var clock = Date()
        let mel = try LogMelSpectrogram(filters: model.file.melFilters.weights, melCount: h.nMels)
            .compute(samples: clip, executor: executor)
        timings.mel = -clock.timeIntervalSinceNow
        let contentFrames = mel.frameCount - Self.windowFrames

        let inputStride = Self.windowFrames / h.nAudioCtx            // mel frames per encoder frame: 2
        let timePrecision = Double(inputStride * Self.hopLength) / Double(Self.sampleRate)  // 0.02 s
        var seek = 0
        var allTokens: [Int] = []
        var promptResetSince = 0
        if let prompt = options.initialPrompt?.trimmingCharacters(in: .whitespaces), !prompt.isEmpty {
            allTokens = tokenizer.encode(" " + prompt)
        }
        var segments: [Segment] = []
        var windows: [WindowRecord] = []
        var language = specials.isMultilingual ? options.decoding.language : nil
        if specials.isMultilingual, language == nil {
            // Detected once, on the first 30 s, as OpenAI's transcribe() does.
            var detection = options
            detection.offset = 0
            language = try detectLanguage(samples: clip, options: detection).first?.language.code
        }
        var window = [Float](repeating: 0, count: h.nMels * Self.windowFrames)

        while seek < contentFrames {
            let timeOffset = Double(seek * Self.hopLength) / Double(Self.sampleRate)
            let size = min(Self.windowFrames, contentFrames - seek)
            // The window's frames, zero-padded to 30 s.
            for m in 0..<h.nMels {
                for t in 0..<Self.windowFrames {
                    window[m * Self.windowFrames + t] = t < size ? mel.values[m * mel.frameCount + seek + t] : 0
                }
            }
            clock = Date()
            let features = window.withUnsafeBufferPointer { encoder.encode(mel: $0.baseAddress!, executor: executor) }
            let cross = try decoder.crossAttention(features: features, executor: executor)
            timings.encode -= clock.timeIntervalSinceNow

            clock = Date()
            var prompt = Array(allTokens[promptResetSince...])
            if let maxContext = options.maxTextContext { prompt = Array(prompt.suffix(max(0, maxContext))) }
            let result = try decodeWithFallback(cross: cross, prompt: prompt, options: options, language: language,
                                            windowIndex: windows.count)
            timings.decode -= clock.timeIntervalSinceNow
            timings.decodedTokens += result.tokens.count + 1
            timings.windows += 1
            windows.append(WindowRecord(seek: seek, result: result))

            // Silence: skip the window.
            if let threshold = options.noSpeechThreshold, result.noSpeechProbability > threshold,
               !(options.logProbThreshold.map { result.averageLogProb > $0 } ?? false) {
                seek += size
                continue
            }

            let tokens = result.tokens
            let ratio = CompressionRatio.of(tokenizer.decode(tokens))
            let probabilities = result.tokenLogProbs.map { Float(_exp(Double($0))) }
            func makeSegment(start: Double, end: Double, range: Range<Int>) -> Segment {
                Segment(start: baseTime + start, end: baseTime + end, text: tokenizer.decode(tokens[range]),
                        tokens: Array(tokens[range]),
                        tokenProbabilities: probabilities.count == tokens.count ? Array(probabilities[range]) : [],
                        averageLogProb: result.averageLogProb, noSpeechProbability: result.noSpeechProbability,
                        temperature: result.temperature, compressionRatio: ratio)
            }
            var current: [Segment] = []
            let isTimestamp = tokens.map(specials.isTimestamp)
            let singleTimestampEnding = isTimestamp.count >= 2 && !isTimestamp[isTimestamp.count - 2] && isTimestamp.last!
            let consecutive = tokens.indices.dropLast().filter { isTimestamp[$0] && isTimestamp[$0 + 1] }.map { $0 + 1 }
            let tb = specials.timestampBegin
            if !consecutive.isEmpty {
                // Cut at each pair of consecutive timestamps (an end and the next start).
                var slices = consecutive
                if singleTimestampEnding { slices.append(tokens.count) }
                var lastSlice = 0
                for end in slices {
                    let piece = Array(tokens[lastSlice..<end])
                    current.append(makeSegment(start: timeOffset + Double(piece.first! - tb) * timePrecision,
                                               end: timeOffset + Double(piece.last! - tb) * timePrecision,
                                               range: lastSlice..<end))
                    lastSlice = end
                }
                if singleTimestampEnding {
                    seek += size
                } else {
                    // Resume from the last timestamp: the text after it was cut short.
                    seek += (tokens[lastSlice - 1] - tb) * inputStride
                }
            } else {
                var duration = Double(size * Self.hopLength) / Double(Self.sampleRate)
                if let lastStamp = tokens.last(where: specials.isTimestamp), lastStamp != tb {
                    duration = Double(lastStamp - tb) * timePrecision
                }
                current.append(makeSegment(start: timeOffset, end: timeOffset + duration, range: tokens.indices))
                seek += size
            }

            for var segment in current {
                // Empty or zero-length segments keep their place but carry no text or tokens.
                if segment.start == segment.end || segment.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    segment.text = ""
                    segment.tokens = []
                    segment.tokenProbabilities = []
                }
                segments.append(segment)
                allTokens += segment.tokens
                if !segment.text.isEmpty { onSegment?(segment) }
            }
            if !options.conditionOnPreviousText || result.temperature > 0.5 {
                promptResetSince = allTokens.count
            }
        }
        return TranscriptionResult(segments: segments.filter { !$0.text.isEmpty }, windows: windows,
                                   language: language, timings: timings)
    }

    /// The spoken language of the first 30 seconds (after `options.offset`), most likely first.
    /// Empty for English-only models.
    public func detectLanguage(samples: [Float], options: TranscriptionOptions = TranscriptionOptions())
        throws -> [(language: Language, probability: Double)] {
        let specials = tokenizer.specialTokens
        guard specials.isMultilingual else { return [] }
        let h = model.hyperparameters
        let first = min(samples.count, max(0, Int((options.offset * Double(Self.sampleRate)).rounded())))
        let clip = Array(samples[first..<min(samples.count, first + Self.windowFrames * Self.hopLength)])
        let mel = try LogMelSpectrogram(filters: model.file.melFilters.weights, melCount: h.nMels)
            .compute(samples: clip, executor: executor)
        // As OpenAI does, the first 3000 frames of the padded spectrogram (not zero-filled).
        var window = [Float](repeating: 0, count: h.nMels * Self.windowFrames)
        for m in 0..<h.nMels {
            for t in 0..<Self.windowFrames { window[m * Self.windowFrames + t] = mel.values[m * mel.frameCount + t] }
        }
        let features = window.withUnsafeBufferPointer { encoder.encode(mel: $0.baseAddress!, executor: executor) }
        let cross = try decoder.crossAttention(features: features, executor: executor)
        return try LanguageDetector(decoder: decoder, specials: specials, executor: executor).detect(cross: cross)
    }

    /// Decodes a window at the first temperature whose result passes the checks.
    private func decodeWithFallback(cross: CrossAttentionCache, prompt: [Int], options: TranscriptionOptions,
                                    language: String?, windowIndex: Int) throws -> DecodingResult {
        let temperatures = options.temperatures.isEmpty ? [0] : options.temperatures
        var result: DecodingResult?
        for (attempt, temperature) in temperatures.enumerated() {
            var decoding = options.decoding
            decoding.temperature = temperature
            if temperature > 0 {
                decoding.beamSize = nil
            } else {
                decoding.bestOf = nil
            }
            // A distinct, reproducible stream of random numbers for each window and attempt.
            decoding.seed = options.decoding.seed &+ UInt64(windowIndex) &* 1_000_003 &+ UInt64(attempt)
            let r = try windowDecoder.decode(cross: cross, prompt: prompt, options: decoding, language: language)
            result = r
            var needsFallback = false
            if let threshold = options.compressionRatioThreshold,
               CompressionRatio.of(tokenizer.decode(r.tokens)) > threshold {
                needsFallback = true
            }
            if let threshold = options.logProbThreshold, r.averageLogProb < threshold {
                needsFallback = true
            }
            if let threshold = options.noSpeechThreshold, r.noSpeechProbability > threshold,
               let lp = options.logProbThreshold, r.averageLogProb < lp {
                needsFallback = false   // silence: no point trying harder
            }
            if !needsFallback { break }
        }
        return result!
    }
}
