/// A word and where it is spoken: times in seconds from the start of the recording, and the mean
/// probability of its tokens when they were decoded.
public struct WordTiming: Sendable, Equatable {
    public var word: String
    public var start: Double
    public var end: Double
    public var probability: Double
    /// The word's tokens.
    public internal(set) var tokens: [Int]
}

/// Word-level timestamps as OpenAI's `whisper/timing.py` finds them. After a window is decoded, the
/// decoder runs once more over its text tokens (teacher forcing), and the cross-attention weights
/// of the model's alignment heads — how much each token attends to each audio position — are
/// standardised over the tokens, median-filtered along time, averaged over the heads, and the
/// monotonic path through them found by dynamic time warping; the path's steps from one token to
/// the next are the token boundaries, and word boundaries are taken from them.
enum WordAlignment {
    /// Audio positions per second in the encoder's output (1500 for 30 s).
    static let positionsPerSecond = 50.0
    static let medianFilterWidth = 7

    /// The alignment of `textTokens` (no timestamps, no end-of-text) decoded from a window whose
    /// first `frameCount` mel frames are audio; times in seconds from the window's start.
    /// `probabilities` (parallel to `textTokens`) are the tokens' probabilities when they were
    /// decoded; a word's is their mean. (OpenAI recomputes them in this pass, in the context without
    /// timestamps, which costs the vocabulary-wide logits of every token — most of the pass.)
    /// `cache` is a one-slot key/value cache, reused from window to window.
    static func align(textTokens: [Int], probabilities: [Double], startSequence: [Int], frameCount: Int, decoder: TextDecoder,
                      cross: CrossAttentionCache, cache: KeyValueCache, heads: AlignmentHeads, tokenizer: Tokenizer,
                      executor: ParallelExecutor) throws(AllocationError) -> [WordTiming] {
        guard !textTokens.isEmpty else { return [] }
        let specials = tokenizer.specialTokens
        let tokens = startSequence + [specials.noTimestamps] + textTokens + [specials.endOfText]
        let h = decoder.hyperparameters
        let d = h.nTextState, headWidth = d / h.nTextHead
        let positions = min(cross.rows, frameCount / 2)
        guard positions > 0, tokens.count <= h.nTextCtx else { return [] }

        // One teacher-forced pass, as far as the last layer that holds alignment heads: the
        // cross-attention queries of those layers.
        cache.reset()
        let layers = heads.layers.filter { $0 < h.nTextLayer }
        let eot = specials.endOfText
        let queries = decoder.crossAttentionQueries(tokens: tokens, layers: Set(layers), cache: cache, cross: cross,
                                                    executor: executor)

        // Attention weights of each alignment head: [heads][tokens][positions].
        let rows = tokens.count
        let scale = 1 / Float(headWidth).squareRoot()
        // The heads' filtered weights are summed as each head is done: one head's matrix at a time.
        var headSum = [Float](repeating: 0, count: rows * positions)
        var headCount = 0
        var w = [Float](repeating: 0, count: rows * positions)   // one head's weights, every entry rewritten per head
        var rowScratch = [Float](repeating: 0, count: positions)
        for pair in heads.pairs where pair.layer < h.nTextLayer && pair.head < h.nTextHead {
            guard let q = queries[pair.layer] else { continue }
            let offset = pair.head * headWidth
            let blocks = UnsafeRawPointer(cross.keys(layer: pair.layer))
            let blockSize = TransposedKeyBlocks.positions
            q.withUnsafeBufferPointer { q in
                w.withUnsafeMutableBufferPointer { w in
                    for t in 0..<rows {
                        let out = w.baseAddress! + t * positions
                        // The decoder's own kernel: 16 positions' dot products at a time, from the
                        // keys in their transposed blocks.
                        for first in stride(from: 0, to: positions, by: blockSize) {
                            let head = blocks + TransposedKeyBlocks.elementBytes * (first * d + offset * blockSize)
                            let sums = TransposedKeyBlocks.scores(query: q.baseAddress! + t * d + offset, head: head, headWidth: headWidth)
                            for l in 0..<min(blockSize, positions - first) { out[first + l] = sums[l] * scale }
                        }
                        var top = -Float.infinity
                        for p in 0..<positions { top = max(top, out[p]) }
                        var sum: Float = 0
                        var p = 0
                        while p + 16 <= positions {
                            let e = SIMDMath.exp(SIMDMemory.load(out + p) - SIMD16(repeating: top))
                            SIMDMemory.store(e, out + p)
                            sum += e.sum()
                            p += 16
                        }
                        while p < positions {
                            let e = Float(ScalarMath.exp(Double(out[p] - top)))
                            out[p] = e
                            sum += e
                            p += 1
                        }
                        for p in 0..<positions { out[p] /= sum }
                    }
                }
            }
            // Standardise each position over the tokens (population standard deviation).
            for p in 0..<positions {
                var mean: Float = 0
                for t in 0..<rows { mean += w[t * positions + p] }
                mean /= Float(rows)
                var variance: Float = 0
                for t in 0..<rows { let x = w[t * positions + p] - mean; variance += x * x }
                let std = (variance / Float(rows)).squareRoot()
                for t in 0..<rows { w[t * positions + p] = (w[t * positions + p] - mean) / std }
            }
            for t in 0..<rows {
                medianFilter(&w, start: t * positions, count: positions, width: medianFilterWidth, scratch: &rowScratch)
            }
            for i in headSum.indices { headSum[i] += w[i] }
            headCount += 1
        }
        guard headCount > 0 else { return [] }

        // The heads' mean, rows of the no-timestamps token and the text tokens (not the start
        // sequence, not end-of-text), negated: the cost the path minimises.
        let firstRow = startSequence.count, matrixRows = rows - firstRow - 1
        var cost = [Float](repeating: 0, count: matrixRows * positions)
        for r in 0..<matrixRows {
            for p in 0..<positions {
                cost[r * positions + p] = -(headSum[(firstRow + r) * positions + p] / Float(headCount))
            }
        }
        let (textIndices, timeIndices) = dynamicTimeWarping(cost, rows: matrixRows, columns: positions)

        let (words, wordTokens) = splitToWordTokens(textTokens + [eot], tokenizer: tokenizer)
        guard wordTokens.count > 1 else { return [] }
        var boundaries = [0]
        for t in wordTokens.dropLast() { boundaries.append(boundaries.last! + t.count) }
        var jumpTimes: [Double] = []
        for i in textIndices.indices where i == 0 || textIndices[i] != textIndices[i - 1] {
            jumpTimes.append(Double(timeIndices[i]) / positionsPerSecond)
        }
        var out: [WordTiming] = []
        for k in 0..<(boundaries.count - 1) {
            let (a, b) = (boundaries[k], boundaries[k + 1])
            guard b < jumpTimes.count else { break }
            let slice = probabilities[min(a, probabilities.count)..<min(b, probabilities.count)]
            let probability = slice.isEmpty ? 0 : slice.reduce(0, +) / Double(slice.count)
            out.append(WordTiming(word: words[k], start: jumpTimes[a], end: jumpTimes[b], probability: probability, tokens: wordTokens[k]))
        }
        return out
    }

    /// Median of each `width` window along a row, the row padded by reflection (as PyTorch's
    /// `F.pad(mode: "reflect")`: the edge value itself is not repeated).
    /// `scratch` holds a copy of the row (the filter reads the original values while it writes).
    static func medianFilter(_ x: inout [Float], start: Int, count: Int, width: Int, scratch row: inout [Float]) {
        let half = width / 2
        guard count > half else { return }
        if row.count < count { row = [Float](repeating: 0, count: count) }
        for i in 0..<count { row[i] = x[start + i] }
        func at(_ i: Int) -> Float {
            var j = i
            if j < 0 { j = -j }
            if j >= count { j = 2 * (count - 1) - j }
            return row[max(0, min(count - 1, j))]
        }
        if width == 7 {
            for i in 0..<count {
                x[start + i] = median7(at(i - 3), at(i - 2), at(i - 1), at(i), at(i + 1), at(i + 2), at(i + 3))
            }
            return
        }
        var window = [Float](repeating: 0, count: width)
        for i in 0..<count {
            for k in 0..<width { window[k] = at(i - half + k) }
            window.sort()
            x[start + i] = window[half]
        }
    }

    /// The median of seven values by a sorting network (no allocation, no branches to mispredict).
    @inline(__always)
    static func median7(_ a0: Float, _ a1: Float, _ a2: Float, _ a3: Float, _ a4: Float, _ a5: Float, _ a6: Float) -> Float {
        var v = (a0, a1, a2, a3, a4, a5, a6)
        @inline(__always) func sort(_ a: inout Float, _ b: inout Float) { let lo = min(a, b); b = max(a, b); a = lo }
        // Sort all seven (16 comparators), then take the middle.
        sort(&v.0, &v.6); sort(&v.2, &v.3); sort(&v.4, &v.5)
        sort(&v.0, &v.2); sort(&v.1, &v.4); sort(&v.3, &v.6)
        sort(&v.0, &v.1); sort(&v.2, &v.5); sort(&v.3, &v.4)
        sort(&v.1, &v.2); sort(&v.4, &v.6)
        sort(&v.2, &v.3); sort(&v.4, &v.5)
        sort(&v.1, &v.2); sort(&v.3, &v.4)
        sort(&v.5, &v.6)
        return v.3
    }

    /// The cheapest monotonic path from the top-left to the bottom-right of `cost` (`rows × columns`),
    /// moving down, right or diagonally, as OpenAI's `dtw_cpu` finds it (its tie-breaking included):
    /// the row and column of every step.
    static func dynamicTimeWarping(_ cost: [Float], rows n: Int, columns m: Int) -> ([Int], [Int]) {
        let width = m + 1
        var total = [Float](repeating: .infinity, count: (n + 1) * width)
        var trace = [Int8](repeating: -1, count: (n + 1) * width)
        total[0] = 0
        for j in 1...max(1, m) where m > 0 {
            for i in 1...max(1, n) where n > 0 {
                let c0 = total[(i - 1) * width + j - 1], c1 = total[(i - 1) * width + j], c2 = total[i * width + j - 1]
                let (c, t): (Float, Int8)
                if c0 < c1 && c0 < c2 { (c, t) = (c0, 0) } else if c1 < c0 && c1 < c2 { (c, t) = (c1, 1) } else { (c, t) = (c2, 2) }
                total[i * width + j] = cost[(i - 1) * m + j - 1] + c
                trace[i * width + j] = t
            }
        }
        for j in 0...m { trace[j] = 2 }
        for i in 0...n { trace[i * width] = 1 }
        var i = n, j = m
        var path: [(Int, Int)] = []
        while i > 0 || j > 0 {
            path.append((i - 1, j - 1))
            switch trace[i * width + j] {
            case 0: i -= 1; j -= 1
            case 1: i -= 1
            default: j -= 1
            }
        }
        path.reverse()
        return (path.map({ $0.0 }), path.map({ $0.1 }))
    }

    /// Words and their tokens as OpenAI's tokenizer splits them for word timing (languages with
    /// spaces): tokens grouped into whole characters, then a word starts at every piece that begins
    /// with a space, is punctuation, or is a special token.
    static func splitToWordTokens(_ tokens: [Int], tokenizer: Tokenizer) -> ([String], [[Int]]) {
        let eot = tokenizer.specialTokens.endOfText
        var pieces: [(String, [Int])] = []
        var current: [Int] = []
        for token in tokens {
            if token >= eot {
                if !current.isEmpty { pieces.append((tokenizer.decode(current), current)); current = [] }
                pieces.append(("<|endoftext|>", [token]))
                continue
            }
            current.append(token)
            // A piece ends where its bytes end on a character boundary.
            if !tokenizer.endsInsideCharacter(current) {
                pieces.append((tokenizer.decode(current), current))
                current = []
            }
        }
        if !current.isEmpty { pieces.append((tokenizer.decode(current), current)) }
        var words: [String] = [], wordTokens: [[Int]] = []
        for (text, group) in pieces {
            let special = group[0] >= eot
            let withSpace = text.hasPrefix(" ")
            let trimmed = text.trimmingWhitespace()
            // As Python's `text.strip() in string.punctuation`: a substring test (the empty string included).
            let punctuation = trimmed.isEmpty || asciiPunctuation.containsSubstring(trimmed)
            if special || withSpace || punctuation || words.isEmpty {
                words.append(text)
                wordTokens.append(group)
            } else {
                words[words.count - 1] += text
                wordTokens[wordTokens.count - 1] += group
            }
        }
        return (words, wordTokens)
    }

    /// Python's `string.punctuation`.
    static let asciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
}

#if !hasFeature(Embedded)
// Codable needs runtime reflection, which Embedded Swift does not have.
extension WordTiming: Codable {}
#endif
