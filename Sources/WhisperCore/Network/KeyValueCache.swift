/// The decoder's self-attention keys and values for a few sequences at once ("slots": the beams of
/// a beam search, the candidates of best-of sampling, or just one for greedy decoding).
///
/// Layout per layer: `[slots][nTextCtx][d]`. `lengths[s]` tokens of slot `s` are cached.
public final class KeyValueCache: @unchecked Sendable {
    public let layers: Int
    public let slots: Int
    public let capacity: Int
    public let width: Int
    let keys: [FloatBuffer]
    let values: [FloatBuffer]
    public internal(set) var lengths: [Int]

    /// Throws `AllocationError` with the bytes needed when the cache cannot fit in memory (the
    /// number of slots comes from the caller's beam size or best-of count).
    public init(layers: Int, slots: Int, capacity: Int, width: Int) throws {
        self.layers = layers
        self.slots = slots
        self.capacity = capacity
        self.width = width
        let purpose = "the decoder's key/value cache (\(slots) sequences × \(capacity) positions × \(width) values, "
            + "keys and values of \(layers) layers)"
        // The whole cache is checked first, so the message gives its full size.
        let perLayer = MemoryBudget.product([slots, capacity, width])
        try MemoryBudget.require(bytes: perLayer.flatMap { MemoryBudget.product([$0, 2 * layers, 4]) }, for: purpose)
        let count = perLayer ?? 0
        keys = try (0..<layers).map { _ in try FloatBuffer(count: count, purpose: purpose) }
        values = try (0..<layers).map { _ in try FloatBuffer(count: count, purpose: purpose) }
        lengths = Array(repeating: 0, count: slots)
    }

    /// Forgets every cached token.
    public func reset() {
        for s in 0..<slots { lengths[s] = 0 }
    }

    @inline(__always) func keyRows(layer: Int, slot: Int) -> UnsafeMutablePointer<Float> {
        keys[layer].pointer + slot * capacity * width
    }

    @inline(__always) func valueRows(layer: Int, slot: Int) -> UnsafeMutablePointer<Float> {
        values[layer].pointer + slot * capacity * width
    }

    /// Reorders slots after a beam-search step: new slot `i` continues old slot `sources[i]`.
    public func rearrange(sources: [Int]) {
        precondition(sources.count <= slots)
        if sources.enumerated().allSatisfy({ $0.offset == $0.element }) { return }
        let oldLengths = lengths
        // Snapshot the source slots first: a slot may be both read and overwritten.
        let distinct = Array(Set(sources)).sorted()
        for layer in 0..<layers {
            for buffers in [keys[layer], values[layer]] {
                var saved: [Int: [Float]] = [:]
                for s in distinct {
                    let start = buffers.pointer + s * capacity * width
                    saved[s] = Array(UnsafeBufferPointer(start: start, count: oldLengths[s] * width))
                }
                for (i, s) in sources.enumerated() {
                    guard let rows = saved[s] else { continue }
                    let target = buffers.pointer + i * capacity * width
                    rows.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: rows.count) }
                }
            }
        }
        for (i, s) in sources.enumerated() { lengths[i] = oldLengths[s] }
    }
}

/// Cross-attention keys and values over one window's audio features, computed once per window and
/// shared by every slot (per layer `[nAudioCtx][d]`).
///
/// Stored in half precision, as whisper.cpp stores them: every token streams all of them (9 MB
/// instead of 18 MB per token for tiny), and the decoder is bound by memory bandwidth. The values
/// are rounded once; attention converts them back exactly and computes in single precision.
public final class CrossAttentionCache: @unchecked Sendable {
    public let rows: Int
    public let width: Int
    let keys: [HalfBuffer]
    let values: [HalfBuffer]

    init(layers: Int, rows: Int, width: Int) throws {
        self.rows = rows
        self.width = width
        let purpose = "the cross-attention cache (\(rows) audio positions × \(width) values, keys and values of \(layers) layers)"
        try MemoryBudget.require(bytes: MemoryBudget.product([rows, width, 2 * layers, 2]), for: purpose)
        keys = try (0..<layers).map { _ in try HalfBuffer(count: rows * width, purpose: purpose) }
        values = try (0..<layers).map { _ in try HalfBuffer(count: rows * width, purpose: purpose) }
    }
}
