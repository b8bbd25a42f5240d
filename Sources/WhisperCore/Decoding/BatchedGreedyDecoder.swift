/// Greedy decoding of several windows at once (batched transcription): window `i` has slot `i` of
/// one key/value cache and attends to its own audio, and every step feeds the next token of each
/// unfinished window as rows of the same matrix products — the decoder's weights are read once per
/// step for all of them instead of once per window. Each window's choice is greedy decoding's
/// (`TokenSampler` at temperature 0): the same filters, the most likely token, the first on ties.
struct BatchedGreedyDecoder {
    let decoder: TextDecoder
    let cache: KeyValueCache
    let crosses: [CrossAttentionCache]
    let executor: ParallelExecutor
    let filters: [WhisperLogitFilter]
    let specials: SpecialTokens
    let initialTokens: [Int]
    let sampleLength: Int
    var control: TranscriptionControl? = nil

    /// The sampled tokens of every window (without end-of-text), their log-probabilities and the
    /// smallest margin between the two best logits, given each window's logits after the initial
    /// tokens (`nVocab` floats per window, in order).
    func decode(firstLogits: [Float]) -> [DecodingResult] {
        let eot = specials.endOfText
        let nVocab = specials.vocabularySize
        let windows = crosses.count
        let sampleBegin = initialTokens.count
        var sequences = (0..<windows).map { _ in
            var tokens = initialTokens
            tokens.reserveCapacity(initialTokens.count + sampleLength + 1)
            return tokens
        }
        var rows = firstLogits
        var finished = [Bool](repeating: false, count: windows)
        var choices = [Choice](repeating: Choice(), count: windows)
        var sumLogProbs = [Double](repeating: 0, count: windows)
        var tokenLogProbs = [[Float]](repeating: [], count: windows)
        var smallestMargins = [Float](repeating: .infinity, count: windows)
        var toFeed: [(slot: Int, token: Int)] = []
        toFeed.reserveCapacity(windows)

        for _ in 0..<sampleLength {
            if control?.isCancelled == true { break }
            // Filter and choose on each unfinished window's row, in parallel (51864 logits a row).
            rows.withUnsafeMutableBufferPointer { r in
                choices.withUnsafeMutableBufferPointer { c in
                    executor.forEach(windows, Choose(filters: filters, rows: r.baseAddress!, width: nVocab, sequences: sequences,
                                                     finished: finished, sampleBegin: sampleBegin, choices: c.baseAddress!))
                }
            }
            toFeed.removeAll(keepingCapacity: true)
            for i in 0..<windows where !finished[i] {
                let choice = choices[i]
                sumLogProbs[i] += choice.logProb
                tokenLogProbs[i].append(Float(choice.logProb))
                smallestMargins[i] = min(smallestMargins[i], choice.margin)
                sequences[i].append(choice.token)
                if choice.token == eot || sequences[i].count > decoder.contextLength {
                    finished[i] = true
                } else {
                    toFeed.append((i, choice.token))
                }
            }
            if toFeed.isEmpty { break }
            let logits = decoder.decodeNext(toFeed, cache: cache, crossBySlot: crosses, executor: executor)
            rows.withUnsafeMutableBufferPointer { r in
                for (k, entry) in toFeed.enumerated() {
                    (r.baseAddress! + entry.slot * nVocab).update(from: logits.baseAddress! + k * nVocab, count: nVocab)
                }
            }
        }

        return (0..<windows).map { i in
            var tokens = Array(sequences[i][sampleBegin...])
            if let end = tokens.firstIndex(of: eot) { tokens = Array(tokens[..<end]) }
            return DecodingResult(initialTokens: initialTokens, tokens: tokens, sumLogProb: sumLogProbs[i],
                                  averageLogProb: sumLogProbs[i] / Double(tokens.count + 1),
                                  noSpeechProbability: 0, temperature: 0, language: nil,
                                  smallestMargin: smallestMargins[i].isFinite ? smallestMargins[i] : nil,
                                  tokenLogProbs: Array(tokenLogProbs[i].prefix(tokens.count)))
        }
    }

    /// One window's choice at one step.
    private struct Choice {
        var token = 0
        var logProb = 0.0
        var margin = Float.infinity
    }

    /// The logit filters, then the most likely token and its log-probability, for each unfinished
    /// window's row (in place).
    private struct Choose: ParallelLoop {
        let filters: [WhisperLogitFilter]
        let rows: UnsafeMutablePointer<Float>
        let width: Int
        let sequences: [[Int]]
        let finished: [Bool]
        let sampleBegin: Int
        let choices: UnsafeMutablePointer<Choice>

        func run(_ window: Int) {
            guard !finished[window] else { return }
            let logits = UnsafeMutableBufferPointer(start: rows + window * width, count: width)
            for f in filters { f.apply(to: logits, tokens: sequences[window], sampleBegin: sampleBegin) }
            let normalizer = logSumExp(UnsafeBufferPointer(logits))
            let (best, margin) = TokenSampler.topTwo(UnsafeBufferPointer(logits))
            choices[window] = Choice(token: best, logProb: Double(logits[best] - normalizer), margin: margin)
        }
    }
}
