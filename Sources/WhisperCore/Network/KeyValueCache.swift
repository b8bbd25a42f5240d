/// The decoder's self-attention keys and values for a few sequences at once ("slots": the beams of
/// a beam search, the candidates of best-of sampling, or just one for greedy decoding).
///
/// Layout per layer: `[slots][reserved][d]`. `lengths[s]` tokens of slot `s` are cached.
///
/// Room is made for `reserved` positions per slot, 64 at first, and doubled (up to `capacity`, the
/// model's text context) when a sequence needs more: a short window's tokens then take a few
/// megabytes, not the full context's 27 MB for five beams of tiny — memory that WebAssembly, which
/// cannot leave pages untouched, would otherwise grow by at once.
public final class KeyValueCache: @unchecked Sendable {
    public let layers: Int
    public let slots: Int
    public let capacity: Int
    public let width: Int
    /// Positions each slot has room for now (the slot stride, in rows).
    public private(set) var reserved: Int
    private(set) var keys: [FloatBuffer]
    private(set) var values: [FloatBuffer]
    public internal(set) var lengths: [Int]
    /// Scratch of `rearrange`: one layer's keys (or values) of every slot; nil with a single slot.
    private var spare: FloatBuffer?
    private var movedLengths: [Int]
    static let initialPositions = 64

    /// Throws `AllocationError` with the bytes needed when the cache cannot fit in memory (the
    /// number of slots comes from the caller's beam size or best-of count).
    public init(layers: Int, slots: Int, capacity: Int, width: Int) throws(AllocationError) {
        self.layers = layers
        self.slots = slots
        self.capacity = capacity
        self.width = width
        let purpose = "the decoder's key/value cache (\(slots) sequences × \(capacity) positions × \(width) values, "
            + "keys and values of \(layers) layers" + (slots > 1 ? ", and one more layer's keys to reorder them)" : ")")
        // The whole cache is checked first, so the message gives its full size.
        let perLayer = MemoryBudget.product([slots, capacity, width])
        try MemoryBudget.require(bytes: perLayer.flatMap { MemoryBudget.product([$0, 2 * layers + (slots > 1 ? 1 : 0), 4]) },
                                 for: purpose)
        reserved = min(capacity, Self.initialPositions)
        let count = slots * reserved * width
        // Not zeroed: positions are written before they are read.
        var keys: [FloatBuffer] = [], values: [FloatBuffer] = []
        for _ in 0..<layers {
            keys.append(try FloatBuffer(count: count, purpose: purpose, zeroed: false))
            values.append(try FloatBuffer(count: count, purpose: purpose, zeroed: false))
        }
        self.keys = keys
        self.values = values
        lengths = Array(repeating: 0, count: slots)
        movedLengths = lengths
        spare = slots > 1 ? try FloatBuffer(count: count, purpose: purpose, zeroed: false) : nil
    }

    /// Forgets every cached token.
    public func reset() {
        for s in 0..<slots { lengths[s] = 0 }
    }

    @inline(__always) func keyRows(layer: Int, slot: Int) -> UnsafeMutablePointer<Float> {
        keys[layer].pointer + slot * reserved * width
    }

    @inline(__always) func valueRows(layer: Int, slot: Int) -> UnsafeMutablePointer<Float> {
        values[layer].pointer + slot * reserved * width
    }

    /// Makes room for `positions` tokens in every slot (at most `capacity`), moving what is cached.
    /// The whole cache was checked against memory when it was made, so the growth is not refused.
    func reserve(positions: Int) {
        guard positions > reserved else { return }
        let grown = min(capacity, max(positions, 2 * reserved))
        let count = slots * grown * width
        func moved(_ old: FloatBuffer) -> FloatBuffer {
            let buffer = FloatBuffer(count: count)
            for s in 0..<slots where lengths[s] > 0 {
                (buffer.pointer + s * grown * width).update(from: old.pointer + s * reserved * width, count: lengths[s] * width)
            }
            return buffer
        }
        keys = keys.map(moved)
        values = values.map(moved)
        if spare != nil { spare = FloatBuffer(count: count) }
        reserved = grown
    }

    /// Reorders slots after a beam-search step: new slot `i` continues old slot `sources[i]`.
    /// Only moved slots are copied, through `spare`; nothing is allocated.
    public func rearrange(sources: [Int]) {
        precondition(sources.count <= slots && sources.allSatisfy { (0..<slots).contains($0) })
        if sources.indices.allSatisfy({ sources[$0] == $0 }) { return }
        guard let spare else { preconditionFailure("a one-slot cache has nothing to rearrange") }
        let stride = reserved * width
        func move(_ buffer: FloatBuffer) {
            // Every source is read before any slot is overwritten: a slot may be both.
            for (i, s) in sources.enumerated() where s != i {
                (spare.pointer + i * stride).update(from: buffer.pointer + s * stride, count: lengths[s] * width)
            }
            for (i, s) in sources.enumerated() where s != i {
                (buffer.pointer + i * stride).update(from: spare.pointer + i * stride, count: lengths[s] * width)
            }
        }
        for layer in 0..<layers {
            move(keys[layer])
            move(values[layer])
        }
        for (i, s) in sources.enumerated() { movedLengths[i] = lengths[s] }
        for i in sources.indices { lengths[i] = movedLengths[i] }
    }
}

/// Cross-attention keys and values over one window's audio features, computed once per window and
/// shared by every slot (per layer `[nAudioCtx][d]`).
///
/// Stored in half precision, as whisper.cpp stores them: every token streams all of them (9 MB
/// instead of 18 MB per token for tiny), and the decoder is bound by memory bandwidth. The values
/// are rounded once; attention converts them back exactly and computes in single precision. Keys
/// are laid out as `TransposedKeyBlocks` (16 positions at a time, transposed), values as rows.
public final class CrossAttentionCache: @unchecked Sendable {
    public let rows: Int
    public let width: Int
    /// Every layer's keys (single precision, `TransposedKeyBlocks`), huge pages where available.
    private let keyStorage: FloatBuffer
    /// Every layer's values (half precision, `[rows][width]`).
    private let valueStorage: HalfBuffer
    private let keyCount: Int
    private let layers: Int

    init(layers: Int, rows: Int, width: Int) throws(AllocationError) {
        self.rows = rows
        self.width = width
        self.layers = layers
        let purpose = "the cross-attention cache (\(rows) audio positions × \(width) values, keys and values of \(layers) layers)"
        keyCount = TransposedKeyBlocks.floatCount(rows: rows, width: width)
        guard let keys = MemoryBudget.product([keyCount, layers]), let values = MemoryBudget.product([rows, width, layers]) else {
            throw AllocationError(bytes: nil, purpose: purpose, physicalMemory: MemoryBudget.physicalMemory)
        }
        // Not zeroed: `storeKeys` and `storeValues` write every value, the key blocks' padding included.
        keyStorage = try FloatBuffer(count: keys, purpose: purpose, zeroed: false, streamed: true)
        valueStorage = try HalfBuffer(count: values, purpose: purpose, zeroed: false, streamed: true)
    }

    /// Bytes of keys and values over all layers: what every decoding step reads.
    package var byteCount: Int { layers * (keyCount * MemoryLayout<Float>.size + rows * width * 2) }

    /// One layer's keys, laid out as `TransposedKeyBlocks`.
    func keys(layer: Int) -> UnsafeMutablePointer<Float> { keyStorage.pointer + layer * keyCount }

    /// One layer's values, `[rows][width]`.
    func values(layer: Int) -> UnsafeMutablePointer<UInt16> { valueStorage.bits + layer * rows * width }

    /// One layer's keys (`[rows][width]` floats) into the cache.
    func storeKeys(layer: Int, _ keys: UnsafePointer<Float>) {
        TransposedKeyBlocks.store(keys, rows: rows, width: width, into: self.keys(layer: layer))
    }

    /// Rounds one layer's values (`[rows][width]` floats) into the cache.
    func storeValues(layer: Int, _ values: UnsafePointer<Float>) {
        HalfPrecision.convert(values, count: rows * width, intoHalfBits: UnsafeMutableRawPointer(self.values(layer: layer)))
    }
}
