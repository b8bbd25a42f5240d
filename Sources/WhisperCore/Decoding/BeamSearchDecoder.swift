/// Beam search as OpenAI's `BeamSearchDecoder` does it for one audio: keep the `beamSize` best
/// unfinished sequences by summed log-probability, each extended by its `beamSize + 1` best next
/// tokens; collect finished ones until `round(beamSize · patience)` have ended, then pick the
/// finished sequence with the best log-probability per token.
struct BeamSearchDecoder {
    let beamSize: Int
    let patience: Float

    func decode(context c: SamplingContext, firstLogits: [Float]) -> DecodingResult {
        var search = BeamSearch(beamSize: beamSize, patience: patience, filters: c.filters, specials: c.specials,
                                initialTokens: c.initialTokens, sampleLength: c.sampleLength,
                                contextLength: c.decoder.contextLength, firstLogits: firstLogits)
        for _ in 0..<c.sampleLength {
            if c.control?.isCancelled == true { break }
            guard search.extend(executor: c.executor) else { break }
            // Slot i continues the cache of its parent beam, then takes its new token.
            c.cache.rearrange(sources: search.sources)
            search.receive(c.step(search.toFeed))
        }
        return search.result()
    }
}

/// One audio's beam search, a step at a time: `extend` picks the next beams from the live beams'
/// logits, the caller reorders the cache slots by `sources` and feeds `toFeed`, and `receive`
/// takes the new logits. Several searches can share the decoder's steps (batched transcription).
struct BeamSearch {
    let beamSize: Int
    let filters: [WhisperLogitFilter]
    let specials: SpecialTokens
    let initialTokens: [Int]
    let contextLength: Int
    private let maxCandidates: Int
    private let nVocab: Int

    /// One extension of a live beam by one token.
    private struct Candidate {
        var score: Double
        var parent: Int
        var token: Int
        var logProb: Float
    }

    // The live beams, `live` of them: tokens (initial ones included), each sampled token's
    // log-probability, and the summed log-probability. Beam `b` lives in cache slot `b`. Every
    // step writes the next beams into the spare lists and swaps: after the first step nothing
    // here is allocated (the lists keep their capacity), only a finished sequence's copy.
    private var tokens: [[Int]], spareTokens: [[Int]]
    private var logProbs: [[Float]], spareLogProbs: [[Float]]
    private var scores: [Double], spareScores: [Double]
    /// Live beams; they start as one: identical sequences collapse.
    private(set) var live = 1
    /// Each live beam's last logits row, `nVocab` floats per beam; overwritten per step.
    private var logits: [Float]
    private var finished: [(tokens: [Int], score: Double, logProbs: [Float])] = []
    private var candidates: [Candidate] = []
    private var tops: [(index: Int, value: Float)]
    /// After `extend`: the parent beam of each new beam (cache slots to reorder), and each new beam's token.
    private(set) var sources: [Int] = []
    private(set) var toFeed: [(slot: Int, token: Int)] = []

    init(beamSize: Int, patience: Float, filters: [WhisperLogitFilter], specials: SpecialTokens, initialTokens: [Int],
         sampleLength: Int, contextLength: Int, firstLogits: [Float]) {
        self.beamSize = beamSize
        self.filters = filters
        self.specials = specials
        self.initialTokens = initialTokens
        self.contextLength = contextLength
        maxCandidates = Int((Float(beamSize) * patience).rounded())
        nVocab = specials.vocabularySize
        let longest = initialTokens.count + sampleLength + 1
        func lists<T>(_: T.Type) -> [[T]] {
            (0..<beamSize).map { _ in var list = [T](); list.reserveCapacity(longest); return list }
        }
        tokens = lists(Int.self)
        spareTokens = lists(Int.self)
        logProbs = lists(Float.self)
        spareLogProbs = lists(Float.self)
        scores = [Double](repeating: 0, count: beamSize)
        spareScores = scores
        tokens[0].append(contentsOf: initialTokens)
        logits = [Float](repeating: 0, count: beamSize * specials.vocabularySize)
        logits.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: firstLogits, count: specials.vocabularySize) }
        candidates.reserveCapacity(beamSize * (beamSize + 1))
        tops = [(index: Int, value: Float)](repeating: (0, 0), count: beamSize * (beamSize + 1))
        sources.reserveCapacity(beamSize)
        toFeed.reserveCapacity(beamSize)
    }

    /// Ranks the live beams' extensions and keeps the best `beamSize` unfinished ones as the next
    /// beams (their parents in `sources`, their tokens in `toFeed`); finished ones ranked above the
    /// last of them are collected, up to `round(beamSize · patience)`. False when the search stops
    /// here (enough finished, nothing left, or the context is full): the live beams stay as they were.
    mutating func extend(executor: ParallelExecutor) -> Bool {
        let eot = specials.endOfText
        let perBeam = beamSize + 1
        // Each live beam's row is filtered, normalized and searched for its best extensions on
        // its own (in parallel: 5 rows of 51864 cost about 0.7 ms on one core).
        let count = live, sampleBegin = initialTokens.count, width = nVocab
        let (filters, tokens) = (self.filters, self.tokens)
        logits.withUnsafeMutableBufferPointer { rows in
            tops.withUnsafeMutableBufferPointer { top in
                executor.forEach(count, Extensions(filters: filters, sampleBegin: sampleBegin, rows: rows.baseAddress!, width: width,
                                                   tokens: tokens, count: perBeam, tops: top.baseAddress!))
            }
        }
        candidates.removeAll(keepingCapacity: true)
        for b in 0..<live {
            for (t, value) in tops[(b * perBeam)..<((b + 1) * perBeam)] {
                candidates.append(Candidate(score: scores[b] + Double(value), parent: b, token: t, logProb: value))
            }
        }
        Self.rank(&candidates)

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
        // Stopping here leaves the current beams live (the fallback of `result` may use them).
        if finished.count >= maxCandidates || next == 0 || spareTokens[0].count > contextLength {
            return false
        }
        swap(&self.tokens, &spareTokens)
        swap(&logProbs, &spareLogProbs)
        swap(&scores, &spareScores)
        live = next
        return true
    }

    /// The logits of the beams just fed, one row per live beam in order.
    mutating func receive(_ rows: UnsafeBufferPointer<Float>) {
        let count = live * nVocab
        logits.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: rows.baseAddress!, count: count) }
    }

    /// The finished sequence with the best log-probability per token (with too few finished, the
    /// live beams count as if they had ended here).
    mutating func result() -> DecodingResult {
        let eot = specials.endOfText
        if finished.count < beamSize {
            for b in (0..<live).sorted(by: { scores[$0] > scores[$1] }) {
                let ended = tokens[b] + [eot]
                if !finished.contains(where: { $0.tokens == ended }) { finished.append((ended, scores[b], logProbs[b])) }
                if finished.count >= beamSize { break }
            }
        }
        let sampleBegin = initialTokens.count
        func trimmed(_ tokens: [Int]) -> [Int] {
            let sampled = tokens[sampleBegin...]
            return Array(sampled.prefix { $0 != eot })
        }
        var best = 0
        var bestScore = -Double.infinity
        for (i, f) in finished.enumerated() {
            let score = f.score / Double(max(trimmed(f.tokens).count, 1))
            if score > bestScore { best = i; bestScore = score }
        }
        let chosen = trimmed(finished[best].tokens)
        return DecodingResult(initialTokens: initialTokens, tokens: chosen, sumLogProb: finished[best].score,
                              averageLogProb: finished[best].score / Double(chosen.count + 1),
                              noSpeechProbability: 0, temperature: 0, language: nil, smallestMargin: nil,
                              tokenLogProbs: Array(finished[best].logProbs.prefix(chosen.count)))
    }

    /// One step's work on each live beam's logits row, in place: the logit filters, log-softmax, and
    /// the `count` best next tokens into `tops + beam·count`.
    private struct Extensions: ParallelLoop {
        let filters: [WhisperLogitFilter]
        let sampleBegin: Int
        let rows: UnsafeMutablePointer<Float>
        let width: Int
        let tokens: [[Int]]
        let count: Int
        let tops: UnsafeMutablePointer<(index: Int, value: Float)>

        func run(_ beam: Int) {
            let row = UnsafeMutableBufferPointer(start: rows + beam * width, count: width)
            for f in filters { f.apply(to: row, tokens: tokens[beam], sampleBegin: sampleBegin) }
            logSoftmaxInPlace(row)
            BeamSearch.best(UnsafeBufferPointer(row), into: UnsafeMutableBufferPointer(start: tops + beam * count, count: count))
        }
    }

    /// The `top.count` largest entries (index and value) into `top`, largest first; ties go to the
    /// smaller index, NaN ranks below everything. `values` must hold at least `top.count` entries.
    static func best(_ values: UnsafeBufferPointer<Float>, into top: UnsafeMutableBufferPointer<(index: Int, value: Float)>) {
        @inline(__always) func above(_ v: Float, _ t: Float) -> Bool { v > t || (t.isNaN && !v.isNaN) }
        let k = top.count
        guard let base = values.baseAddress else { return }
        var filled = 0
        var i = 0
        while i < values.count {
            // Once full, whole runs of 256 with nothing above the k-th best are skipped (their lane-wise
            // maximum is vector work; only its 16 lanes are compared one by one).
            if filled == k, i % 256 == 0, i + 256 <= values.count, !top[k - 1].value.isNaN {
                var m = SIMD16<Float>(repeating: -.infinity)
                for j in 0..<16 { m = SIMDConversion.maximum(UnsafeRawPointer(base + i + 16 * j).loadUnaligned(as: SIMD16<Float>.self), m) }
                let threshold = top[k - 1].value
                var enters = false
                for lane in 0..<16 where m[lane] > threshold { enters = true }
                if !enters {
                    i += 256
                    continue
                }
            }
            let v = base[i]
            defer { i += 1 }
            if filled == k, !above(v, top[k - 1].value) { continue }
            var at = filled
            while at > 0, above(v, top[at - 1].value) {
                if at < k { top[at] = top[at - 1] }
                at -= 1
            }
            if at < k { top[at] = (i, v) }
            filled = Swift.min(k, filled + 1)
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
