/// Beam search as OpenAI's `BeamSearchDecoder` does it for one audio: keep the `beamSize` best
/// unfinished sequences by summed log-probability, each extended by its `beamSize + 1` best next
/// tokens; collect finished ones until `round(beamSize · patience)` have ended, then pick the
/// finished sequence with the best log-probability per token.
struct BeamSearchDecoder {
    let beamSize: Int
    let patience: Float

    /// One extension of a live beam by one token.
    private struct Candidate {
        var score: Double
        var parent: Int
        var token: Int
        var logProb: Float
    }

    func decode(context c: SamplingContext, firstLogits: [Float]) -> DecodingResult {
        let eot = c.specials.endOfText
        let nVocab = c.specials.vocabularySize
        let maxCandidates = Int((Float(beamSize) * patience).rounded())
        let longest = c.initialTokens.count + c.sampleLength + 1

        // The live beams, `live` of them: tokens (initial ones included), each sampled token's
        // log-probability, and the summed log-probability. Beam `b` lives in cache slot `b`. Every
        // step writes the next beams into the spare lists and swaps: after the first step nothing
        // here is allocated (the lists keep their capacity), only a finished sequence's copy.
        func lists<T>(_: T.Type) -> [[T]] {
            (0..<beamSize).map { _ in var list = [T](); list.reserveCapacity(longest); return list }
        }
        var tokens = lists(Int.self), spareTokens = lists(Int.self)
        var logProbs = lists(Float.self), spareLogProbs = lists(Float.self)
        var scores = [Double](repeating: 0, count: beamSize), spareScores = scores
        tokens[0].append(contentsOf: c.initialTokens)
        var live = 1                                      // the beams start as one: identical sequences collapse

        // Each live beam's last logits row, `nVocab` floats per beam; overwritten per step.
        var logits = [Float](repeating: 0, count: beamSize * nVocab)
        logits.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: firstLogits, count: nVocab) }
        var finished: [(tokens: [Int], score: Double, logProbs: [Float])] = []
        var row = [Float](repeating: 0, count: nVocab)
        var candidates: [Candidate] = []
        candidates.reserveCapacity(beamSize * (beamSize + 1))
        var top: [(index: Int, value: Float)] = []
        top.reserveCapacity(beamSize + 2)
        var sources: [Int] = [], toFeed: [(slot: Int, token: Int)] = []
        sources.reserveCapacity(beamSize)
        toFeed.reserveCapacity(beamSize)

        for _ in 0..<c.sampleLength {
            candidates.removeAll(keepingCapacity: true)
            for b in 0..<live {
                row.withUnsafeMutableBufferPointer { lp in
                    logits.withUnsafeBufferPointer { lp.baseAddress!.update(from: $0.baseAddress! + b * nVocab, count: nVocab) }
                    c.filter(lp, tokens: tokens[b])
                    logSoftmaxInPlace(lp)
                    Self.best(beamSize + 1, of: UnsafeBufferPointer(lp), into: &top)
                    for (t, value) in top {
                        candidates.append(Candidate(score: scores[b] + Double(value), parent: b, token: t, logProb: value))
                    }
                }
            }
            Self.rank(&candidates)

            // The best `beamSize` unfinished candidates go on; finished ones ranked above the last of
            // them are collected, up to `maxCandidates`.
            var next = 0
            sources.removeAll(keepingCapacity: true)
            toFeed.removeAll(keepingCapacity: true)
            for candidate in candidates {
                let p = candidate.parent
                if candidate.token == eot {
                    if finished.count < maxCandidates {
                        finished.append((tokens[p] + [eot], candidate.score, logProbs[p] + [candidate.logProb]))
                    }
                    continue
                }
                spareTokens[next].removeAll(keepingCapacity: true)
                spareTokens[next].append(contentsOf: tokens[p])
                spareTokens[next].append(candidate.token)
                spareLogProbs[next].removeAll(keepingCapacity: true)
                spareLogProbs[next].append(contentsOf: logProbs[p])
                spareLogProbs[next].append(candidate.logProb)
                spareScores[next] = candidate.score
                sources.append(p)
                toFeed.append((slot: next, token: candidate.token))
                next += 1
                if next == beamSize { break }
            }
            // Stopping here leaves the current beams live (the fallback below may use them).
            if finished.count >= maxCandidates || next == 0 || spareTokens[0].count > c.decoder.contextLength {
                break
            }
            swap(&tokens, &spareTokens)
            swap(&logProbs, &spareLogProbs)
            swap(&scores, &spareScores)
            live = next
            // Slot i continues the cache of its parent beam, then takes its new token.
            c.cache.rearrange(sources: sources)
            let rows = c.step(toFeed)
            logits.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: rows.baseAddress!, count: live * nVocab) }
        }

        // Too few finished: the live beams count as if they had ended here.
        if finished.count < beamSize {
            for b in (0..<live).sorted(by: { scores[$0] > scores[$1] }) {
                let ended = tokens[b] + [eot]
                if !finished.contains(where: { $0.tokens == ended }) { finished.append((ended, scores[b], logProbs[b])) }
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
        let chosen = trimmed(finished[best].tokens)
        return DecodingResult(initialTokens: c.initialTokens, tokens: chosen, sumLogProb: finished[best].score,
                              averageLogProb: finished[best].score / Double(chosen.count + 1),
                              noSpeechProbability: 0, temperature: 0, language: nil, smallestMargin: nil,
                              tokenLogProbs: Array(finished[best].logProbs.prefix(chosen.count)))
    }

    /// The `k` largest entries (index and value), largest first; ties go to the smaller index.
    /// `top` is reused: no allocation once it has room for `k + 1`.
    static func best(_ k: Int, of values: UnsafeBufferPointer<Float>, into top: inout [(index: Int, value: Float)]) {
        top.removeAll(keepingCapacity: true)
        for (i, v) in values.enumerated() {
            if top.count == k, let last = top.last, !(v > last.value) { continue }
            var at = top.count
            while at > 0, v > top[at - 1].value { at -= 1 }
            top.insert((i, v), at: at)
            if top.count > k { top.removeLast() }
        }
    }

    /// Sorts best score first; equal scores keep their order (a stable insertion sort, in place:
    /// a few dozen candidates, and no buffer to allocate).
    private static func rank(_ candidates: inout [Candidate]) {
        for i in candidates.indices.dropFirst() {
            let c = candidates[i]
            var j = i
            while j > 0, candidates[j - 1].score < c.score {
                candidates[j] = candidates[j - 1]
                j -= 1
            }
            candidates[j] = c
        }
    }
}
