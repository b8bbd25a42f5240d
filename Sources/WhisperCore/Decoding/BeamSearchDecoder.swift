/// Beam search as OpenAI's `BeamSearchDecoder` does it for one audio: keep the `beamSize` best
/// unfinished sequences by summed log-probability, each extended by its `beamSize + 1` best next
/// tokens; collect finished ones until `round(beamSize · patience)` have ended, then pick the
/// finished sequence with the best log-probability per token.
struct BeamSearchDecoder {
    let beamSize: Int
    let patience: Float

    private struct Beam {
        var tokens: [Int]
        var score: Double
        var slot: Int
        /// Each sampled token's log-probability.
        var logProbs: [Float]
    }

    private struct Candidate {
        var tokens: [Int]
        var score: Double
        var parent: Int
        var logProbs: [Float]
    }

    func decode(context c: SamplingContext, firstLogits: [Float]) -> DecodingResult {
        let eot = c.specials.endOfText
        let nVocab = c.specials.vocabularySize
        let maxCandidates = Int((Float(beamSize) * patience).rounded())
        // The beams start as one: identical sequences collapse.
        var beams = [Beam(tokens: c.initialTokens, score: 0, slot: 0, logProbs: [])]
        // Each live beam's last logits row, `nVocab` floats per beam; allocated once, overwritten per step.
        var logits = [Float](repeating: 0, count: beamSize * nVocab)
        logits.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: firstLogits, count: nVocab) }
        var finished: [(tokens: [Int], score: Double, logProbs: [Float])] = []
        var logProbs = [Float](repeating: 0, count: nVocab)

        for _ in 0..<c.sampleLength {
            var candidates: [Candidate] = []
            for (b, beam) in beams.enumerated() {
                logProbs.withUnsafeMutableBufferPointer { lp in
                    logits.withUnsafeBufferPointer { lp.baseAddress!.update(from: $0.baseAddress! + b * nVocab, count: nVocab) }
                    c.filter(lp, tokens: beam.tokens)
                    logSoftmaxInPlace(lp)
                    for t in Self.best(beamSize + 1, of: UnsafeBufferPointer(lp)) {
                        candidates.append(Candidate(tokens: beam.tokens + [t], score: beam.score + Double(lp[t]), parent: b,
                                                    logProbs: beam.logProbs + [lp[t]]))
                    }
                }
            }
            // Best first; equal scores keep their order of creation (a stable sort).
            let ranked = candidates.enumerated().sorted {
                $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset
            }.map(\.element)
            var next: [Candidate] = []
            var newlyFinished: [Candidate] = []
            for candidate in ranked {
                if candidate.tokens.last == eot {
                    newlyFinished.append(candidate)
                } else {
                    next.append(candidate)
                    if next.count == beamSize { break }
                }
            }
            for candidate in newlyFinished {
                if finished.count >= maxCandidates { break }
                finished.append((candidate.tokens, candidate.score, candidate.logProbs))
            }
            if finished.count >= maxCandidates || next.isEmpty || next[0].tokens.count > c.decoder.contextLength {
                break
            }
            // Slot i continues the cache of its parent beam, then takes its new token.
            c.cache.rearrange(sources: next.map { beams[$0.parent].slot })
            let rows = c.step(next.enumerated().map { (slot: $0.offset, token: $0.element.tokens.last!) })
            beams = next.enumerated().map {
                Beam(tokens: $0.element.tokens, score: $0.element.score, slot: $0.offset, logProbs: $0.element.logProbs)
            }
            logits.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: rows.baseAddress!, count: next.count * nVocab) }
        }

        // Too few finished: the live beams count as if they had ended here.
        if finished.count < beamSize {
            for beam in beams.sorted(by: { $0.score > $1.score }) {
                let ended = beam.tokens + [eot]
                if !finished.contains(where: { $0.tokens == ended }) { finished.append((ended, beam.score, beam.logProbs)) }
                if finished.count >= beamSize { break }
            }
        }

        func trimmed(_ tokens: [Int]) -> [Int] {
            let sampled = tokens[c.sampleBegin...]
            return Array(sampled.prefix { $0 != eot })
        }
        var best = 0
        var bestScore = -Double.infinity
        for (i, f) in finished.enumerated() {
            let score = f.score / Double(max(trimmed(f.tokens).count, 1))
            if score > bestScore { best = i; bestScore = score }
        }
        let tokens = trimmed(finished[best].tokens)
        return DecodingResult(initialTokens: c.initialTokens, tokens: tokens, sumLogProb: finished[best].score,
                              averageLogProb: finished[best].score / Double(tokens.count + 1),
                              noSpeechProbability: 0, temperature: 0, language: nil, smallestMargin: nil,
                              tokenLogProbs: Array(finished[best].logProbs.prefix(tokens.count)))
    }

    /// The `k` largest entries' indices, largest first; ties go to the smaller index.
    static func best(_ k: Int, of values: UnsafeBufferPointer<Float>) -> [Int] {
        var top: [(index: Int, value: Float)] = []
        top.reserveCapacity(k + 1)
        for (i, v) in values.enumerated() {
            if top.count == k, let last = top.last, !(v > last.value) { continue }
            var at = top.count
            while at > 0, v > top[at - 1].value { at -= 1 }
            top.insert((i, v), at: at)
            if top.count > k { top.removeLast() }
        }
        return top.map(\.index)
    }
}
