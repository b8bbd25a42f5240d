/// The code lengths zlib gives a set of symbol frequencies: a Huffman tree built with zlib's binary
/// heap and tie-breaking, then limited to a maximum length with zlib's overflow repair.
///
/// Many trees are equally optimal; which one zlib picks decides the size of a dynamic block's
/// header (the code lengths are themselves run-length and Huffman coded), so the construction is
/// reproduced step by step rather than with any optimal algorithm:
/// - a binary heap, filled with the used symbols in increasing order, yields the two rarest nodes
///   to merge; equal frequencies go to the shallower subtree first, and exact ties fall as zlib's
///   sift-down lets them (which tree comes out depends on it);
/// - a tree with fewer than two used symbols gets dummy symbols (frequency 1) so that every code is
///   at least one bit long and at least two codes exist;
/// - nodes deeper than the limit are clamped to it, and the count of codes per length is repaired
///   by repeatedly splitting a leaf at the deepest length below the limit that has one; the lengths
///   are then dealt out again in the order the merging sorted the symbols (rarest gets longest).
struct ZlibHuffmanCodeLengths {
    /// The code length of each symbol (0 for symbols that get no code).
    var lengths: [Int]
    /// The largest symbol with a code, dummy symbols included (zlib's `max_code`).
    var maxCode: Int

    /// Builds the lengths for `frequencies` (one per symbol), none longer than `maxLength`.
    init(frequencies: [Int], maxLength: Int) {
        let symbols = frequencies.count
        let nodes = 2 * symbols + 1
        var frequency = [Int](repeating: 0, count: nodes)
        var depth = [Int](repeating: 0, count: nodes)
        var parent = [Int](repeating: 0, count: nodes)
        var length = [Int](repeating: 0, count: nodes)
        // heap[1...heapCount] is the priority queue; heap[sortedStart..<nodes] collects the merged
        // nodes as they leave it: the root first, the rarest last.
        var heap = [Int](repeating: 0, count: nodes)
        var heapCount = 0
        var sortedStart = nodes
        var maxCode = -1

        for symbol in 0..<symbols where frequencies[symbol] != 0 {
            frequency[symbol] = frequencies[symbol]
            heapCount += 1
            heap[heapCount] = symbol
            maxCode = symbol
        }
        while heapCount < 2 {
            // Dummy symbols: the next ones above a small max_code, else symbol 0.
            let dummy: Int
            if maxCode < 2 { maxCode += 1; dummy = maxCode } else { dummy = 0 }
            heapCount += 1
            heap[heapCount] = dummy
            frequency[dummy] = 1
        }

        func precedes(_ a: Int, _ b: Int) -> Bool {
            frequency[a] < frequency[b] || (frequency[a] == frequency[b] && depth[a] <= depth[b])
        }
        func siftDown(_ start: Int) {
            let moving = heap[start]
            var slot = start
            var child = slot << 1
            while child <= heapCount {
                if child < heapCount && precedes(heap[child + 1], heap[child]) { child += 1 }
                if precedes(moving, heap[child]) { break }
                heap[slot] = heap[child]
                slot = child
                child <<= 1
            }
            heap[slot] = moving
        }

        for slot in stride(from: heapCount / 2, through: 1, by: -1) { siftDown(slot) }

        // Merge the two rarest nodes until one remains.
        var next = symbols
        repeat {
            let rarest = heap[1]
            heap[1] = heap[heapCount]
            heapCount -= 1
            siftDown(1)
            let second = heap[1]
            sortedStart -= 1; heap[sortedStart] = rarest
            sortedStart -= 1; heap[sortedStart] = second
            frequency[next] = frequency[rarest] + frequency[second]
            depth[next] = max(depth[rarest], depth[second]) + 1
            parent[rarest] = next
            parent[second] = next
            heap[1] = next
            next += 1
            siftDown(1)
        } while heapCount >= 2
        sortedStart -= 1
        heap[sortedStart] = heap[1]

        // Depths from the root down (parents come before children in the sorted list), clamped.
        var countPerLength = [Int](repeating: 0, count: DeflateAlphabet.maxCodeLength + 1)
        var overflow = 0
        length[heap[sortedStart]] = 0
        for slot in (sortedStart + 1)..<nodes {
            let node = heap[slot]
            var bits = length[parent[node]] + 1
            if bits > maxLength { bits = maxLength; overflow += 1 }
            length[node] = bits
            if node <= maxCode { countPerLength[bits] += 1 }
        }

        if overflow > 0 {
            // Each step moves a leaf from the deepest length b below the limit one level down, where
            // a clamped node becomes its sibling: two fewer codes over the limit.
            repeat {
                var bits = maxLength - 1
                while countPerLength[bits] == 0 { bits -= 1 }
                countPerLength[bits] -= 1
                countPerLength[bits + 1] += 2
                countPerLength[maxLength] -= 1
                overflow -= 2
            } while overflow > 0
            // Hand out the repaired lengths: longest to the least frequent leaves.
            var slot = nodes
            for bits in stride(from: maxLength, through: 1, by: -1) {
                var remaining = countPerLength[bits]
                while remaining != 0 {
                    slot -= 1
                    let node = heap[slot]
                    if node > maxCode { continue }
                    length[node] = bits
                    remaining -= 1
                }
            }
        }

        self.lengths = (0..<symbols).map { symbol in
            frequency[symbol] != 0 ? length[symbol] : 0
        }
        self.maxCode = maxCode
    }
}
