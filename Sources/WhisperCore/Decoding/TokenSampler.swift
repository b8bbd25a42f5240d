/// Chooses tokens one at a time: the most likely one at temperature 0 (greedy decoding), otherwise
/// a draw from the softened distribution; with several candidates (best-of), each is sampled
/// independently and the one with the best length-normalized log-probability wins.
package struct TokenSampler {
    package let temperature: Float
    package let candidates: Int
    package let seed: UInt64

    func decode(context c: SamplingContext, firstLogits: [Float]) -> DecodingResult {
        let eot = c.specials.endOfText
        let nVocab = c.specials.vocabularySize
        var rng = SeededGenerator(seed: seed)
        // Every candidate starts from the cached initial tokens of slot 0.
        if candidates > 1 { c.cache.rearrange(sources: Array(repeating: 0, count: candidates)) }

        // Room for every token up front: the loop below allocates nothing per token.
        var sequences = (0..<candidates).map { _ in
            var tokens = c.initialTokens
            tokens.reserveCapacity(c.initialTokens.count + c.sampleLength + 1)
            return tokens
        }
        var sumLogProbs = Array(repeating: 0.0, count: candidates)
        var tokenLogProbs = (0..<candidates).map { _ in
            var logProbs = [Float]()
            logProbs.reserveCapacity(c.sampleLength + 1)
            return logProbs
        }
        var finished = Array(repeating: false, count: candidates)
        var rows = Array(repeating: firstLogits, count: candidates)
        var smallestMargin = Float.infinity
        var scratch = [Float](repeating: 0, count: nVocab)

        var toFeed: [(slot: Int, token: Int)] = []     // reused: no allocation per step
        toFeed.reserveCapacity(candidates)
        for _ in 0..<c.sampleLength {
            if c.control?.isCancelled == true { break }
            toFeed.removeAll(keepingCapacity: true)
            for i in 0..<candidates where !finished[i] {
                let next: Int
                let logProb: Double
                (next, logProb) = rows[i].withUnsafeMutableBufferPointer { logits -> (Int, Double) in
                    c.filter(logits, tokens: sequences[i])
                    let normalizer = logSumExp(UnsafeBufferPointer(logits))
                    let chosen: Int
                    if temperature == 0 {
                        let (best, margin) = Self.topTwo(UnsafeBufferPointer(logits))
                        smallestMargin = min(smallestMargin, margin)
                        chosen = best
                    } else {
                        chosen = scratch.withUnsafeMutableBufferPointer {
                            Self.draw(UnsafeBufferPointer(logits), temperature: temperature, scratch: $0, rng: &rng)
                        }
                    }
                    return (chosen, Double(logits[chosen] - normalizer))
                }
                sumLogProbs[i] += logProb
                tokenLogProbs[i].append(Float(logProb))
                sequences[i].append(next)
                if next == eot || sequences[i].count > c.decoder.contextLength {
                    finished[i] = true
                } else {
                    toFeed.append((i, next))
                }
            }
            if toFeed.isEmpty { break }
            let logits = c.step(toFeed)
            for (k, entry) in toFeed.enumerated() {
                rows[entry.slot].withUnsafeMutableBufferPointer {
                    $0.baseAddress!.update(from: logits.baseAddress! + k * nVocab, count: nVocab)
                }
            }
        }

        // Rank the candidates by log-probability per token; the first best wins.
        func sampled(_ i: Int) -> [Int] {
            var tokens = Array(sequences[i][c.sampleBegin...])
            if let end = tokens.firstIndex(of: eot) { tokens = Array(tokens[..<end]) }
            return tokens
        }
        var best = 0
        var bestScore = -Double.infinity
        for i in 0..<candidates {
            let score = sumLogProbs[i] / Double(max(sampled(i).count, 1))
            if score > bestScore { best = i; bestScore = score }
        }
        let tokens = sampled(best)
        return DecodingResult(initialTokens: c.initialTokens, tokens: tokens, sumLogProb: sumLogProbs[best],
                              averageLogProb: sumLogProbs[best] / Double(tokens.count + 1),
                              noSpeechProbability: 0, temperature: temperature, language: nil,
                              smallestMargin: temperature == 0 && smallestMargin.isFinite ? smallestMargin : nil,
                              tokenLogProbs: Array(tokenLogProbs[best].prefix(tokens.count)))
    }

    /// The index of the largest logit (the first, on ties) and its lead over the runner-up; NaN
    /// entries are skipped. Two vectorized passes (`maximum`) and a scan for the first maximum.
    package static func topTwo(_ logits: UnsafeBufferPointer<Float>) -> (Int, Float) {
        let first = maximum(logits)
        guard first > -.infinity, let best = logits.firstIndex(of: first) else { return (0, first - first) }
        let second = Swift.max(maximum(UnsafeBufferPointer(rebasing: logits[..<best])),
                               maximum(UnsafeBufferPointer(rebasing: logits[(best + 1)...])))
        return (best, first - second)
    }

    /// A draw from softmax(logits / temperature); −∞ entries are never drawn.
    package static func draw(_ logits: UnsafeBufferPointer<Float>, temperature: Float,
                     scratch: UnsafeMutableBufferPointer<Float>, rng: inout SeededGenerator) -> Int {
        let m = maximum(logits)
        let n = logits.count
        // Weights exp((x − m)/T) (−∞ → 0), 16 at a time, summed in Double in index order.
        var i = 0
        while i + 16 <= n {
            let x = UnsafeRawPointer(logits.baseAddress! + i).loadUnaligned(as: SIMD16<Float>.self)
            let p = SIMDMath.exp((x - SIMD16(repeating: m)) / SIMD16(repeating: temperature))
            UnsafeMutableRawPointer(scratch.baseAddress! + i).storeBytes(of: p, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            scratch[i] = logits[i] > -.infinity ? Float(ScalarMath.exp(Double((logits[i] - m) / temperature))) : 0
            i += 1
        }
        var total = 0.0
        for p in scratch[..<n] { total += Double(p) }
        var target = rng.nextUnit() * total
        var last = 0
        for i in 0..<n where scratch[i] > 0 {
            target -= Double(scratch[i])
            last = i
            if target < 0 { return i }
        }
        return last
    }
}
