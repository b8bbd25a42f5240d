/// Byte-level byte-pair encoding with merge ranks, as tiktoken does it.
///
/// A piece of text starts as its single UTF-8 bytes. Repeatedly, of all adjacent pairs whose
/// concatenation is a token, the pair whose token has the lowest rank is merged (the leftmost
/// one on a tie), until no adjacent pair forms a token. Whisper's vocabularies list tokens in
/// merge order, so a token's rank is its id: the first id under which its bytes appear.
///
/// Merging the best pair found by rescanning every pair costs O(n²) for an n-byte piece; here the
/// candidate pairs wait in a min-heap ordered by (rank, position), so a long piece (a huge run
/// of letters in a user's prompt) costs O(n log n) instead. A pair whose parts have since been
/// merged with something else is recognised as stale when it reaches the top, and dropped.
struct BytePairEncoder: Sendable {
    /// Rank of every mergeable byte string. Keys are slices of the vocabulary's own arrays, so
    /// a piece can be looked up as a slice of the text's bytes without copying.
    private let ranks: [ArraySlice<UInt8>: Int]
    /// Rank of each single byte (all 256 are guaranteed by the initializer).
    private let byteRanks: [Int]

    /// `tokens[i]` is the byte string of rank `i`. Throws if a single byte has no token.
    init(tokens: ArraySlice<[UInt8]>) throws(TokenizerError) {
        var ranks: [ArraySlice<UInt8>: Int] = [:]
        ranks.reserveCapacity(tokens.count)
        for (rank, bytes) in zip(0..., tokens) where ranks[bytes[...]] == nil {
            ranks[bytes[...]] = rank
        }
        var byteRanks: [Int] = []
        byteRanks.reserveCapacity(256)
        for byte in UInt8.min ... UInt8.max {
            guard let rank = ranks[[byte][...]] else { throw TokenizerError.missingByteToken(byte) }
            byteRanks.append(rank)
        }
        self.ranks = ranks
        self.byteRanks = byteRanks
    }

    /// The rank of a byte string, if it is a token.
    func rank(of bytes: ArraySlice<UInt8>) -> Int? {
        ranks[bytes]
    }

    /// A candidate merge: the part starting at `left` joined with the part after it,
    /// together covering `left ..< end`.
    fileprivate struct Candidate {
        var rank: Int
        var left: Int
        var end: Int

        /// Lower rank first; on equal rank the leftmost pair.
        func precedes(_ other: Candidate) -> Bool {
            rank != other.rank ? rank < other.rank : left < other.left
        }
    }

    /// Working memory reused across the pieces of one text.
    struct Scratch {
        /// `partEnd[s]`: the end of the part starting at byte `s` (valid while `s` starts a part).
        fileprivate var partEnd: [Int] = []
        /// `partStart[e]`: the start of the part ending at byte `e` (valid while `e` ends a part).
        fileprivate var partStart: [Int] = []
        /// Whether byte `s` starts a part (false once its part is merged into the one before).
        fileprivate var isPartStart: [Bool] = []
        /// `partRank[s]`: the token of the part starting at byte `s`.
        fileprivate var partRank: [Int] = []
        fileprivate var heap: [Candidate] = []
    }

    /// Appends the tokens of one piece (`bytes`, indexed from any start) to `output`.
    func encode(_ bytes: ArraySlice<UInt8>, into output: inout [Int], scratch: inout Scratch) {
        let n = bytes.count
        if n == 0 { return }
        if n == 1 {
            output.append(byteRanks[Int(bytes[bytes.startIndex])])
            return
        }
        let base = bytes.startIndex

        // Every byte starts as its own part.
        scratch.partEnd.removeAll(keepingCapacity: true)
        scratch.partStart.removeAll(keepingCapacity: true)
        scratch.partRank.removeAll(keepingCapacity: true)
        scratch.isPartStart.removeAll(keepingCapacity: true)
        scratch.heap.removeAll(keepingCapacity: true)
        for i in 0 ..< n {
            scratch.partEnd.append(i + 1)
            scratch.partRank.append(byteRanks[Int(bytes[base + i])])
            scratch.isPartStart.append(true)
        }
        for i in 0 ... n { scratch.partStart.append(i - 1) }

        func consider(_ left: Int, _ end: Int, _ scratch: inout Scratch) {
            if let rank = ranks[bytes[(base + left) ..< (base + end)]] {
                push(Candidate(rank: rank, left: left, end: end), onto: &scratch.heap)
            }
        }
        for i in 0 ..< n - 1 { consider(i, i + 2, &scratch) }

        while let best = pop(&scratch.heap) {
            // Still current only if `left` starts a part whose right neighbour ends at `end`.
            guard scratch.isPartStart[best.left] else { continue }
            let middle = scratch.partEnd[best.left]
            guard middle < n, scratch.partEnd[middle] == best.end else { continue }

            scratch.isPartStart[middle] = false
            scratch.partEnd[best.left] = best.end
            scratch.partStart[best.end] = best.left
            scratch.partRank[best.left] = best.rank
            // The merged part forms new pairs with its neighbours.
            if best.left > 0 { consider(scratch.partStart[best.left], best.end, &scratch) }
            if best.end < n { consider(best.left, scratch.partEnd[best.end], &scratch) }
        }

        var start = 0
        while start < n {
            output.append(scratch.partRank[start])
            start = scratch.partEnd[start]
        }
    }

    // MARK: Min-heap of candidates

    private func push(_ candidate: Candidate, onto heap: inout [Candidate]) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop(_ heap: inout [Candidate]) -> Candidate? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            let right = left + 1
            let child = right < heap.count && heap[right].precedes(heap[left]) ? right : left
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            parent = child
        }
        return top
    }
}
