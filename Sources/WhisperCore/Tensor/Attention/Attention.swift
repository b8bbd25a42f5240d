/// Multi-head scaled dot-product attention, fused: `softmax(Q_h K_hᵀ / √(d/h)) V_h` for every head
/// `h`, written into the head's columns of `output`.
///
/// - `query`: `queryRows` rows of `width` floats; `key`, `value`: `keyRows` rows of `width` floats.
///   Head `h` uses columns `h·d/h ..< (h+1)·d/h` of each.
/// - `causalOffset`: nil for full attention; otherwise query `i` is the token at absolute position
///   `causalOffset + i` and sees keys `0 ... causalOffset + i` only (the decoder's self-attention
///   with a KV cache of `causalOffset` earlier tokens).
/// - `output`: `queryRows` rows of `width` floats (heads concatenated); must not overlap the inputs.
///
/// Many queries (the encoder): blocks of 64 query rows per head go to the threads; each block's
/// scores against all keys (64 × keyRows floats, L2-sized) are computed with the GEMM micro-kernel,
/// normalized, and multiplied by V — the full score matrix never exists (see `blockedAttention`).
/// Few queries (the decoder): keys and values streamed in row order (see `rowwiseAttention`).
package func attention(query: UnsafePointer<Float>, queryRows: Int, key: UnsafePointer<Float>,
                      value: UnsafePointer<Float>, keyRows: Int, width: Int, heads: Int, causalOffset: Int?,
                      output: UnsafeMutablePointer<Float>, executor: ParallelExecutor) {
    attention(query: query, queryRows: queryRows, key: key, value: value, keyRows: keyRows, width: width,
              heads: heads, causalOffset: causalOffset, output: output, executor: executor, scratch: nil)
}

/// `attention` with a caller-owned scratch buffer of at least `rowwiseAttentionScratchFloats` floats
/// for the few-query path (the decoder calls this once per layer and token: no allocation then).
/// With nil, the path allocates its own.
func attention(query: UnsafePointer<Float>, queryRows: Int, key: UnsafePointer<Float>,
               value: UnsafePointer<Float>, keyRows: Int, width: Int, heads: Int, causalOffset: Int?,
               output: UnsafeMutablePointer<Float>, executor: ParallelExecutor,
               scratch: UnsafeMutablePointer<Float>?) {
    precondition(heads > 0 && width % heads == 0, "attention width must be a multiple of the head count")
    guard queryRows > 0 else { return }
    let shape = AttentionShape(queryRows: queryRows, keyRows: keyRows, width: width, heads: heads,
                               causalOffset: causalOffset)
    if queryRows >= AttentionShape.blockedMinimumQueries {
        blockedAttention(shape, query, key, value, output, executor)
    } else {
        withRowwiseScratch(scratch, shape) {
            rowwiseAttention(SinglePrecisionValues.self, shape, query, .rows(UnsafeRawPointer(key)), value, output, executor, $0)
        }
    }
}

/// `attention` over the decoder's cross-attention cache, without causal masking: keys laid out as
/// `TransposedKeyBlocks`, values as half-precision rows (`[keyRows][width]`).
/// Few queries read both directly; many queries (a long prompt) first widen them to row-major
/// floats, exactly, for the blocked path.
func attention(query: UnsafePointer<Float>, queryRows: Int, transposedKeyBlocks key: UnsafeRawPointer,
               halfPrecisionValues value: UnsafeRawPointer, keyRows: Int, width: Int, heads: Int,
               output: UnsafeMutablePointer<Float>, executor: ParallelExecutor,
               scratch: UnsafeMutablePointer<Float>?) {
    precondition(heads > 0 && width % heads == 0, "attention width must be a multiple of the head count")
    guard queryRows > 0 else { return }
    let shape = AttentionShape(queryRows: queryRows, keyRows: keyRows, width: width, heads: heads, causalOffset: nil)
    if queryRows >= AttentionShape.blockedMinimumQueries {
        let count = keyRows * width
        let wide = UnsafeMutablePointer<Float>.allocate(capacity: 2 * count)
        defer { wide.deallocate() }
        TransposedKeyBlocks.widen(key, rows: keyRows, width: width, into: wide)
        HalfPrecision.convert(halfBits: value, count: count, into: wide + count)
        blockedAttention(shape, query, wide, wide + count, output, executor)
    } else {
        withRowwiseScratch(scratch, shape) {
            rowwiseAttention(HalfPrecisionValues.self, shape, query, .transposedBlocks(key), value, output, executor, $0)
        }
    }
}

/// Calls `body` with the caller's scratch, or with one allocated for the call when there is none.
private func withRowwiseScratch(_ scratch: UnsafeMutablePointer<Float>?, _ s: AttentionShape,
                                _ body: (UnsafeMutablePointer<Float>) -> Void) {
    if let scratch { return body(scratch) }
    let buffer = UnsafeMutablePointer<Float>.allocate(
        capacity: rowwiseAttentionScratchFloats(keyRows: s.keyRows, width: s.width, heads: s.heads))
    defer { buffer.deallocate() }
    body(buffer)
}

/// Scratch floats the few-query attention path needs for up to `AttentionShape.blockedMinimumQueries − 1`
/// query rows: the scores of every row and head, and one partial output row per row and chunk of keys.
func rowwiseAttentionScratchFloats(keyRows: Int, width: Int, heads: Int) -> Int {
    let chunks = (keyRows + keysPerChunk - 1) / keysPerChunk
    let rows = AttentionShape.blockedMinimumQueries - 1
    return rows * (Swift.max(1, heads * keyRows) + Swift.max(1, chunks * width))
}

struct AttentionShape {
    static let blockedMinimumQueries = 16
    static let queryBlock = 64

    let queryRows: Int
    let keyRows: Int
    let width: Int
    let heads: Int
    let causalOffset: Int?

    var headWidth: Int { width / heads }
    var scale: Float { 1 / Float(headWidth).squareRoot() }

    /// Keys visible to query `i`.
    @inline(__always)
    func visibleKeys(_ i: Int) -> Int {
        guard let offset = causalOffset else { return keyRows }
        return Swift.max(0, Swift.min(keyRows, offset + i + 1))
    }
}

// MARK: - few queries

/// How the few-query path reads keys and values: floats, or half-precision bit patterns.
protocol AttentionValues {
    /// Bytes per value.
    static var stride: Int { get }
    /// Values `index ..< index + 16` of the row at `p`, as floats.
    static func load(_ p: UnsafeRawPointer, _ index: Int) -> SIMD16<Float>
    /// Value `index` of the row at `p`.
    static func scalar(_ p: UnsafeRawPointer, _ index: Int) -> Float
}

enum SinglePrecisionValues: AttentionValues {
    static var stride: Int { 4 }
    @inline(__always) static func load(_ p: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        p.loadUnaligned(fromByteOffset: 4 * index, as: SIMD16<Float>.self)
    }
    @inline(__always) static func scalar(_ p: UnsafeRawPointer, _ index: Int) -> Float {
        p.loadUnaligned(fromByteOffset: 4 * index, as: Float.self)
    }
}

enum HalfPrecisionValues: AttentionValues {
    static var stride: Int { 2 }
    @inline(__always) static func load(_ p: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        HalfPrecision.loadFloats(p + 2 * index)
    }
    @inline(__always) static func scalar(_ p: UnsafeRawPointer, _ index: Int) -> Float {
        HalfPrecision.float(fromBits: p.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
    }
}

/// Keys per piece of work in the few-query path (fixed, so results do not depend on the thread count;
/// a multiple of `TransposedKeyBlocks.positions`).
private let keysPerChunk = 128

/// How the few-query path finds its keys: rows of `V` values (the self-attention cache), or half
/// precision in `TransposedKeyBlocks` (the cross-attention cache).
private enum RowwiseKeys {
    case rows(UnsafeRawPointer)
    case transposedBlocks(UnsafeRawPointer)
}

/// All query rows together (the beams of a beam search share the cross-attention keys and values),
/// streaming the keys and values once, front to back, every head of a key row together (the
/// decoder's cross-attention reads 1500 keys per layer and step, usually from memory: sequential
/// rows prefetch well, per-head column slices do not):
///
/// 1. each chunk of 128 keys scores every query row and head (chunks in parallel; a key is read
///    once for all query rows);
/// 2. softmax per query row and head, normalization folded into the weights;
/// 3. each chunk's weighted sums of its value rows, every query row and head (chunks in parallel);
/// 4. each query row's chunk sums added in chunk order.
///
/// A query row's result is the same whatever the other rows are.
private func rowwiseAttention<V: AttentionValues>(_: V.Type, _ s: AttentionShape, _ query: UnsafePointer<Float>,
                                                  _ keys: RowwiseKeys, _ value: UnsafeRawPointer,
                                                  _ output: UnsafeMutablePointer<Float>,
                                                  _ executor: ParallelExecutor, _ scratch: UnsafeMutablePointer<Float>) {
    precondition(s.queryRows < AttentionShape.blockedMinimumQueries)
    let layout = RowwiseScratch(shape: s, scratch: scratch)
    let usedChunks = (s.visibleKeys(s.queryRows - 1) + keysPerChunk - 1) / keysPerChunk   // the last row sees most
    if case .transposedBlocks = keys {
        precondition(s.causalOffset == nil, "transposed key blocks are the cross-attention cache: no causal mask")
    }
    executor.forEach(usedChunks, AttentionScores<V>(shape: s, query: query, keys: keys, scale: s.scale, layout: layout))
    for i in 0..<s.queryRows {
        let n = s.visibleKeys(i)
        for h in 0..<s.heads { softmax(layout.scores(row: i) + h * s.keyRows, count: n) }
    }
    executor.forEach(usedChunks, AttentionWeightedSums<V>(shape: s, value: value, layout: layout))
    for i in 0..<s.queryRows {
        let out = output + i * s.width
        let chunks = (s.visibleKeys(i) + keysPerChunk - 1) / keysPerChunk
        guard chunks > 0 else {
            out.update(repeating: 0, count: s.width)
            continue
        }
        out.update(from: layout.partial(row: i, chunk: 0), count: s.width)
        for c in 1..<chunks { addInPlace(out, layout.partial(row: i, chunk: c), count: s.width) }
    }
}

/// Where `rowwiseAttention` keeps each query row's scores (`[heads][keyRows]`) and partial rows.
private struct RowwiseScratch {
    let shape: AttentionShape
    let scratch: UnsafeMutablePointer<Float>

    var scoreFloats: Int { Swift.max(1, shape.heads * shape.keyRows) }
    var chunks: Int { (shape.keyRows + keysPerChunk - 1) / keysPerChunk }

    func scores(row: Int) -> UnsafeMutablePointer<Float> { scratch + row * scoreFloats }

    func partial(row: Int, chunk: Int) -> UnsafeMutablePointer<Float> {
        scratch + shape.queryRows * scoreFloats + (row * chunks + chunk) * shape.width
    }
}

/// Step 1 of `rowwiseAttention` for one chunk of keys: every query row's and head's scaled scores.
///
/// Rows of keys (the self-attention cache): a key at a time, every head of it. `TransposedKeyBlocks`
/// (the cross-attention cache, no causal mask): 16 keys at a time (a block, 16 × 768 bytes for
/// tiny, stays in L1 while every query row and head reads it), without sums across lanes.
private struct AttentionScores<V: AttentionValues>: ParallelLoop {
    let shape: AttentionShape
    let query: UnsafePointer<Float>
    let keys: RowwiseKeys
    let scale: Float
    let layout: RowwiseScratch

    @inline(__always)
    func run(_ chunk: Int) {
        let s = shape, hd = s.headWidth
        let keyRange = (chunk * keysPerChunk)..<Swift.min(s.keyRows, (chunk + 1) * keysPerChunk)
        switch keys {
        case .rows(let key):
            let rowBytes = s.width * V.stride
            for j in keyRange {
                let k = key + j * rowBytes
                for i in 0..<s.queryRows where j < s.visibleKeys(i) {
                    let q = query + i * s.width, scores = layout.scores(row: i)
                    for h in 0..<s.heads {
                        scores[h * s.keyRows + j] = scale * dot(V.self, q + h * hd, k, h * hd, hd)
                    }
                }
            }
        case .transposedBlocks(let key):
            let n = TransposedKeyBlocks.positions
            for first in stride(from: keyRange.lowerBound, to: keyRange.upperBound, by: n) {
                let block = key + TransposedKeyBlocks.elementBytes * first * s.width, count = Swift.min(n, s.keyRows - first)
                func store(_ sums: SIMD16<Float>, row i: Int, head h: Int) {
                    SIMDMemory.store(SIMD16(repeating: scale) * sums, layout.scores(row: i) + h * s.keyRows + first, count: count)
                }
                var i = 0
                while s.queryRows - i >= 5 {                          // a beam step: each key block widened once
                    for h in 0..<s.heads {
                        let sums = TransposedKeyBlocks.scores(fiveQueries: query + i * s.width + h * hd, queryStride: s.width,
                                                              head: block + TransposedKeyBlocks.elementBytes * h * hd * n, headWidth: hd)
                        store(sums.0, row: i, head: h); store(sums.1, row: i + 1, head: h); store(sums.2, row: i + 2, head: h)
                        store(sums.3, row: i + 3, head: h); store(sums.4, row: i + 4, head: h)
                    }
                    i += 5
                }
                while i < s.queryRows {
                    for h in 0..<s.heads {
                        let sums = TransposedKeyBlocks.scores(query: query + i * s.width + h * hd, head: block + TransposedKeyBlocks.elementBytes * h * hd * n, headWidth: hd)
                        store(sums, row: i, head: h)
                    }
                    i += 1
                }
            }
        }
    }
}

/// Step 3 of `rowwiseAttention` for one chunk of keys: its weighted sums of value rows, every query
/// row and head (the chunk's values are read from memory once, then from cache for the other rows).
private struct AttentionWeightedSums<V: AttentionValues>: ParallelLoop {
    let shape: AttentionShape
    let value: UnsafeRawPointer
    let layout: RowwiseScratch

    @inline(__always)
    func run(_ chunk: Int) {
        let s = shape, hd = s.headWidth, rowBytes = s.width * V.stride
        for i in 0..<s.queryRows {
            let range = (chunk * keysPerChunk)..<Swift.min(s.visibleKeys(i), (chunk + 1) * keysPerChunk)
            guard !range.isEmpty else { continue }
            let partial = layout.partial(row: i, chunk: chunk), scores = layout.scores(row: i)
            if hd == 64 && s.heads % 2 == 0 {                        // Whisper's heads: pairs of 64 columns
                var h = 0
                while h < s.heads {
                    let pairs = Swift.min(HeadPairSums.pairsPerPass, (s.heads - h) / 2)
                    weightedHeadPairs(V.self, pairs: pairs, scores + h * s.keyRows, s.keyRows, range,
                                      value + h * hd * V.stride, rowBytes, partial + h * hd)
                    h += 2 * pairs
                }
            } else {
                partial.update(repeating: 0, count: s.width)
                for j in range {
                    let v = value + j * rowBytes
                    for h in 0..<s.heads {
                        axpy(V.self, scores[h * s.keyRows + j], v, h * hd, partial + h * hd, hd)
                    }
                }
            }
        }
    }
}

/// Two 64-wide heads of a weighted sum of value rows: 128 output columns in eight vector registers.
private struct HeadPairSums {
    /// Head pairs summed in one pass over the value rows: three (384 columns, 24 of AVX-512's 32
    /// registers) where the registers hold them; with 16 registers (AVX2) one, whose 16 registers
    /// of 8 floats already fill the file (three spilled: 17 % more time in `weightedHeadPairs`, perf
    /// samples of `bench -t 1`, Zen 2). Each output's sum over the keys is the same either way.
    static let pairsPerPass = KernelStrip.scalarCount == 32 ? 3 : 1

    var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
    var a4 = SIMD16<Float>(), a5 = SIMD16<Float>(), a6 = SIMD16<Float>(), a7 = SIMD16<Float>()

    /// Adds `first` × the row's first head and `second` × its second (128 values at `row`).
    @inline(__always)
    mutating func add<V: AttentionValues>(_: V.Type, _ first: Float, _ second: Float, _ row: UnsafeRawPointer) {
        let w = SIMD16<Float>(repeating: first), x = SIMD16<Float>(repeating: second)
        a0 = a0.multiplyAdd(w, V.load(row, 0)); a1 = a1.multiplyAdd(w, V.load(row, 16))
        a2 = a2.multiplyAdd(w, V.load(row, 32)); a3 = a3.multiplyAdd(w, V.load(row, 48))
        a4 = a4.multiplyAdd(x, V.load(row, 64)); a5 = a5.multiplyAdd(x, V.load(row, 80))
        a6 = a6.multiplyAdd(x, V.load(row, 96)); a7 = a7.multiplyAdd(x, V.load(row, 112))
    }

    @inline(__always)
    func store(_ out: UnsafeMutablePointer<Float>) {
        SIMDMemory.store(a0, out); SIMDMemory.store(a1, out + 16); SIMDMemory.store(a2, out + 32); SIMDMemory.store(a3, out + 48)
        SIMDMemory.store(a4, out + 64); SIMDMemory.store(a5, out + 80); SIMDMemory.store(a6, out + 96); SIMDMemory.store(a7, out + 112)
    }
}

/// out[0 ..< 128·pairs] = Σ_{j ∈ keys} weight(j, head) · value row j, for `pairs` (1–3) pairs of
/// 64-wide heads starting at `values` (rows `rowBytes` apart), head `h`'s weights at
/// `scores + h·scoreStride`. Every column of a key before the next key: the rows are read in order,
/// which the hardware prefetcher follows (a pass per head pair, each reading a slice of every row,
/// ran at a third of the speed from memory).
@inline(never)
private func weightedHeadPairs<V: AttentionValues>(_: V.Type, pairs: Int, _ scores: UnsafePointer<Float>,
                                                   _ scoreStride: Int, _ keys: Range<Int>, _ values: UnsafeRawPointer,
                                                   _ rowBytes: Int, _ out: UnsafeMutablePointer<Float>) {
    let pairBytes = 128 * V.stride
    var first = HeadPairSums(), second = HeadPairSums(), third = HeadPairSums()
    switch pairs {
    case 3:
        let w0 = scores, w1 = scores + scoreStride, w2 = scores + 2 * scoreStride
        let w3 = scores + 3 * scoreStride, w4 = scores + 4 * scoreStride, w5 = scores + 5 * scoreStride
        for j in keys {
            let v = values + j * rowBytes
            first.add(V.self, w0[j], w1[j], v)
            second.add(V.self, w2[j], w3[j], v + pairBytes)
            third.add(V.self, w4[j], w5[j], v + 2 * pairBytes)
        }
        third.store(out + 256)
        second.store(out + 128)
    case 2:
        let w0 = scores, w1 = scores + scoreStride, w2 = scores + 2 * scoreStride, w3 = scores + 3 * scoreStride
        for j in keys {
            let v = values + j * rowBytes
            first.add(V.self, w0[j], w1[j], v)
            second.add(V.self, w2[j], w3[j], v + pairBytes)
        }
        second.store(out + 128)
    default:
        let w0 = scores, w1 = scores + scoreStride
        for j in keys { first.add(V.self, w0[j], w1[j], values + j * rowBytes) }
    }
    first.store(out)
}

/// y[0..<count] += a · row[first ..< first + count].
@inline(__always)
private func axpy<V: AttentionValues>(_: V.Type, _ a: Float, _ row: UnsafeRawPointer, _ first: Int,
                                      _ y: UnsafeMutablePointer<Float>, _ count: Int) {
    let av = SIMD16<Float>(repeating: a)
    var p = 0
    while p + 16 <= count {
        SIMDMemory.store(SIMDMemory.load(y + p).multiplyAdd(av, V.load(row, first + p)), y + p)
        p += 16
    }
    while p < count { y[p] = y[p].multiplyAdd(a, V.scalar(row, first + p)); p += 1 }
}

/// Σ_p a[p]·row[first + p].
@inline(__always)
private func dot<V: AttentionValues>(_: V.Type, _ a: UnsafePointer<Float>, _ row: UnsafeRawPointer, _ first: Int,
                                     _ count: Int) -> Float {
    var acc = SIMD16<Float>()
    var p = 0
    while p + 16 <= count {
        acc = acc.multiplyAdd(SIMDMemory.load(a + p), V.load(row, first + p))
        p += 16
    }
    var sum = SIMDMemory.sum(acc)
    while p < count { sum = sum.multiplyAdd(a[p], V.scalar(row, first + p)); p += 1 }
    return sum
}

// MARK: - many queries

/// Blocks of 64 queries per head, each one piece of work:
///
/// 1. the block's queries, scaled by 1/√(d/h), are packed transposed into two 32-query panels;
/// 2. the transposed scores Sᵀ[key][query] (keys × 64 floats, L2-sized) come from the GEMM
///    micro-kernel with 6 keys per tile against the query panels;
/// 3. softmax runs down the columns, 16 queries per vector: maxima and sums need no horizontal
///    reductions, and the normalization is left for the end;
/// 4. P·V: 6 queries per tile read their weights from Sᵀ as one interleaved stream (6 adjacent
///    floats per key), times the head's value rows;
/// 5. each output row is divided by its softmax sum.
private func blockedAttention(_ s: AttentionShape, _ query: UnsafePointer<Float>, _ key: UnsafePointer<Float>,
                              _ value: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
                              _ executor: ParallelExecutor) {
    let hd = s.headWidth
    let width = GEMMMicroKernel.tileColumns
    let block = AttentionShape.queryBlock
    let queryBlocks = (s.queryRows + block - 1) / block
    let scale = s.scale
    let needsPaddedValues = hd % width != 0

    // Workspace layout: Sᵀ (with slack for reads past the last valid query), query panels,
    // inverse sums, edge-tile scratch, padded values.
    let scoresFloats = s.keyRows * block + 16
    let panelFloats = hd * block
    let workspace = scoresFloats + panelFloats + block + 192 + (needsPaddedValues ? s.keyRows * width : 0)
    executor.forEach(s.heads * queryBlocks, workspaceFloats: workspace) { piece, buffer in
        let h = piece % s.heads
        let firstQuery = (piece / s.heads) * block
        let count = Swift.min(block, s.queryRows - firstQuery)
        let column = h * hd
        let scores = buffer
        let panels = buffer + scoresFloats
        let inverseSums = panels + panelFloats
        let scratch = inverseSums + block
        let keysUsed = s.visibleKeys(firstQuery + count - 1)          // visibility grows with the query index
        guard keysUsed > 0 else {
            for i in 0..<count { (output + (firstQuery + i) * s.width + column).update(repeating: 0, count: hd) }
            return
        }

        // 1. Queries, scaled, as two [hd][32] panels.
        for j in 0..<block {
            let panel = panels + (j / width) * hd * width + j % width
            if j < count {
                let q = query + (firstQuery + j) * s.width + column
                for p in 0..<hd { panel[p * width] = scale * q[p] }
            } else {
                for p in 0..<hd { panel[p * width] = 0 }
            }
        }

        // 2. Sᵀ = K_h · Q_blockᵀ.
        for half in 0..<(block / width) {
            let b = UnsafePointer(panels + half * hd * width)
            var k0 = 0
            while k0 < keysUsed {
                let rows = Swift.min(GEMMMicroKernel.tileRows, keysUsed - k0)
                GEMMMicroKernel.edgeTile(depth: hd, a: key + k0 * s.width + column, lda: s.width, rows: rows,
                                         columns: width, b: b, ldb: width,
                                         start: UnsafePointer(zeroRow), startStride: 0,
                                         c: scores + k0 * block + half * width, ldc: block, scratch: scratch)
                k0 += rows
            }
        }

        // 3. Column softmax, unnormalized; keys a query may not see get weight 0.
        if let offset = s.causalOffset {
            let base = offset + firstQuery                            // query j sees keys 0 ... base + j
            for p in Swift.max(0, base + 1)..<keysUsed {
                let hidden = p - base                                 // queries j < hidden may not see key p
                for g in stride(from: 0, to: Swift.min(block, hidden), by: 16) {
                    let row = scores + p * block + g
                    SIMDMemory.store(SIMDConversion.replacingLeading(SIMDMemory.load(row), count: hidden - g,
                                                                     with: -.infinity), row)
                }
            }
        }
        for g in stride(from: 0, to: block, by: 16) {
            let maximum = columnMaximum(scores + g, stride: block, count: keysUsed)
            let sum = exponentiateColumn(scores + g, stride: block, count: keysUsed, shift: maximum)
            SIMDMemory.store(1 / sum, inverseSums + g)
        }

        // 4. O = P · V_h, 32 head columns at a time.
        var c = 0
        while c < hd {
            let columns = Swift.min(width, hd - c)
            var b = value + column + c
            var ldb = s.width
            if columns < width {
                let padded = scratch + 192
                for j in 0..<keysUsed {
                    for l in 0..<width { padded[j * width + l] = l < columns ? b[j * s.width + l] : 0 }
                }
                b = UnsafePointer(padded)
                ldb = width
            }
            var i = 0
            while i < count {
                let rows = Swift.min(GEMMMicroKernel.tileRows, count - i)
                let out = output + (firstQuery + i) * s.width + column + c
                if rows == GEMMMicroKernel.tileRows && columns == width {
                    GEMMMicroKernel.interleavedTile(depth: keysUsed, a: scores + i, aStep: block, b: b, ldb: ldb,
                                                    start: UnsafePointer(zeroRow), startStride: 0, c: out, ldc: s.width)
                } else {
                    GEMMMicroKernel.interleavedTile(depth: keysUsed, a: scores + i, aStep: block, b: b, ldb: ldb,
                                                    start: UnsafePointer(zeroRow), startStride: 0, c: scratch, ldc: width)
                    for r in 0..<rows {
                        for l in 0..<columns { out[r * s.width + l] = scratch[r * width + l] }
                    }
                }
                i += rows
            }
            c += columns
        }

        // 5. Normalize.
        for i in 0..<count {
            let out = output + (firstQuery + i) * s.width + column
            let f = inverseSums[i]
            for l in 0..<hd { out[l] *= f }
        }
    }
}

// The column passes are kept out of line: compiled on their own they keep their vectors and
// constants in registers, where inlined into the large function above they were split and spilled.

/// Lane-wise maximum of `count` rows of 16 floats, `stride` apart.
@inline(never)
private func columnMaximum(_ rows: UnsafeMutablePointer<Float>, stride: Int, count: Int) -> SIMD16<Float> {
    var maximum = SIMD16<Float>(repeating: -.infinity)
    for p in 0..<count { maximum = SIMDConversion.maximum(maximum, SIMDMemory.load(rows + p * stride)) }
    return maximum
}

/// Replaces each row of 16 floats by e^(row − shift) and returns the lane-wise sums.
@inline(never)
private func exponentiateColumn(_ rows: UnsafeMutablePointer<Float>, stride: Int, count: Int,
                                shift: SIMD16<Float>) -> SIMD16<Float> {
    var sum = SIMD16<Float>()
    for p in 0..<count {
        let e = SIMDMath.exp(SIMDMemory.load(rows + p * stride) - shift)
        SIMDMemory.store(e, rows + p * stride)
        sum += e
    }
    return sum
}
