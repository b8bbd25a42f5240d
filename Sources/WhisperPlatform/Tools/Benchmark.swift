import Foundation
import WhisperCore

/// Measures the engine's parts on a loaded model, in the spirit of whisper.cpp's `bench`:
/// the encoder on one 30-second window, the decoder's time per token with a warm cache, its time
/// per step of five sequences (a beam search's batch), and its steps for several windows at once
/// (batched transcription).
public struct ModelBenchmark {
    public struct Figures: Sendable {
        /// Seconds for each encoder run.
        public var encoderRuns: [Double] = []
        /// Seconds to prepare the decoder for each window after the encoder: the cross-attention keys
        /// and values, and the decoder's weight copies made again (see `TextDecoder.releaseWeightCopies`).
        public var crossAttentionRuns: [Double] = []
        /// Seconds per token for each decoder run.
        public var decoderPerTokenRuns: [Double] = []
        /// Seconds per step of five sequences decoded together (a beam search's step, without its
        /// bookkeeping), for each run.
        public var beamStepRuns: [Double] = []
        /// Seconds per step of `batchWindows` windows decoded together (batched transcription),
        /// each attending to its own audio: one sequence per window (greedy), for each run.
        public var batchedStepRuns: [Double] = []
        /// The same with five sequences per window (beam search).
        public var batchedBeamStepRuns: [Double] = []
        /// Seconds to compute the log-mel spectrogram of 30 s of audio, per run.
        public var melRuns: [Double] = []
        /// Bytes each decoding step streams: the per-token weights as their products read them and
        /// the cross-attention keys and values.
        public var decoderStepBytes = 0
    }

    public let model: WhisperModel
    public let threads: Int
    /// Windows decoded together in the batched figures.
    public static let batchWindows = 8

    public init(model: WhisperModel, threads: Int) {
        self.model = model
        self.threads = threads
    }

    /// Runs `runs` measurements of each part (after one warm-up run) on `samples` (or 30 s of a
    /// synthetic signal when nil), decoding `tokensPerRun` tokens per decoder run.
    public func run(runs: Int = 5, tokensPerRun: Int = 64, samples: [Float]? = nil) throws -> Figures {
        let h = model.hyperparameters
        let executor = ParallelExecutor(threads: threads)
        let encoder = try AudioEncoder(weights: model.weights.encoder, hyperparameters: h)
        let decoder = TextDecoder(weights: model.weights.decoder, hyperparameters: h)
        let tokenizer = try Tokenizer(vocabulary: model.file.vocabulary, vocabularySize: h.nVocab)
        let audio = samples ?? (0..<480_000).map { Float(sin(Double($0) * 0.05) * 0.1 + sin(Double($0) * 0.0123) * 0.05) }
        let melMaker = try LogMelSpectrogram(filters: model.file.melFilters.weights, melCount: h.nMels)

        var figures = Figures()
        var window = [Float](repeating: 0, count: h.nMels * 3000)
        var features: [Float] = []
        var cross: CrossAttentionCache?
        for run in 0...runs {
            var clock = Date()
            let mel = melMaker.compute(samples: Array(audio.prefix(480_000)), executor: executor)
            let melTime = -clock.timeIntervalSinceNow
            for m in 0..<h.nMels {
                for t in 0..<3000 { window[m * 3000 + t] = mel.values[m * mel.frameCount + t] }
            }
            cross = nil                                               // one window's cache at a time
            clock = Date()
            decoder.releaseWeightCopies()                             // as the transcriber does per window
            features = window.withUnsafeBufferPointer { encoder.encode(mel: $0.baseAddress!, executor: executor) }
            let encodeTime = -clock.timeIntervalSinceNow
            clock = Date()
            cross = try decoder.crossAttention(features: features, executor: executor)
            let crossTime = -clock.timeIntervalSinceNow
            if run > 0 {
                figures.melRuns.append(melTime)
                figures.encoderRuns.append(encodeTime)
                figures.crossAttentionRuns.append(crossTime)
            }
        }
        guard let cross else { return figures }
        figures.decoderStepBytes = decoder.bytesReadPerStep(cross: cross)
        let specials = tokenizer.specialTokens
        let count = min(tokensPerRun, h.nTextCtx - 1)
        // Each sequence follows the text token its row likes best, as greedy decoding would (the
        // choice is a vector scan, not to weigh on the figure).
        func bestText(_ logits: UnsafeBufferPointer<Float>, row: Int) -> Int {
            let start = row * h.nVocab
            return TokenSampler.topTwo(UnsafeBufferPointer(rebasing: logits[start..<(start + specials.endOfText)])).0
        }
        /// Seconds per step of `slots` sequences over `count` steps, for each run, into `into`;
        /// `crossBySlot`: each slot's audio, or nil for this window's for all.
        func timeSteps(slots: Int, crossBySlot: [CrossAttentionCache]?, into: WritableKeyPath<Figures, [Double]>) throws {
            let cache = try decoder.makeCache(slots: slots)
            for run in 0...runs {
                cache.reset()
                var next = (0..<slots).map { (slot: $0, token: specials.startOfTranscript) }
                let clock = Date()
                for _ in 0..<count {
                    let logits = crossBySlot.map { decoder.decodeNext(next, cache: cache, crossBySlot: $0, executor: executor) }
                        ?? decoder.decodeNext(next, cache: cache, cross: cross, executor: executor)
                    for i in 0..<slots { next[i].token = bestText(logits, row: i) }
                }
                if run > 0 { figures[keyPath: into].append(-clock.timeIntervalSinceNow / Double(count)) }
            }
        }
        try timeSteps(slots: 1, crossBySlot: nil, into: \.decoderPerTokenRuns)
        try timeSteps(slots: 5, crossBySlot: nil, into: \.beamStepRuns)
        // Batched: each window its own cross-attention keys and values (copies of this window's, so
        // that every step reads as many bytes as for distinct audio).
        var crosses = [cross]
        for _ in 1..<Self.batchWindows { crosses.append(try decoder.crossAttention(features: features, executor: executor)) }
        for (beams, into) in [(1, \Figures.batchedStepRuns), (5, \Figures.batchedBeamStepRuns)] {
            var crossBySlot: [CrossAttentionCache] = []
            for window in crosses { crossBySlot += repeatElement(window, count: beams) }
            try timeSteps(slots: Self.batchWindows * beams, crossBySlot: crossBySlot, into: into)
        }
        return figures
    }

    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
