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
/// Many queries (the encoder): blocks of 48 query rows per head go to the threads; each block's
/// scores against all keys (48 × keyRows floats, L2-sized) are computed with the GEMM micro-kernel,
/// normalized row by row, and multiplied by V — the full score matrix never exists. Few queries (the
/// decoder): one piece per (head, query), dot products and a weighted sum of value rows.
public func attention(query: UnsafePointer<Float>, queryRows: Int, key: UnsafePointer<Float>,
                      value: UnsafePointer<Float>, keyRows: Int, width: Int, heads: Int, causalOffset: Int?,
                      output: UnsafeMutablePointer<Float>, executor: ParallelExecutor) {
    precondition(heads > 0 && width % heads == 0, "attention width must be a multiple of the head count")
    guard queryRows > 0 else { return }
    let shape = AttentionShape(queryRows: queryRows, keyRows: keyRows, width: width, heads: heads,
                               causalOffset: causalOffset)
    if queryRows >= AttentionShape.blockedMinimumQueries {
        blockedAttention(shape, query, key, value, output, executor)
    } else {
        rowwiseAttention(shape, query, key, value, output, executor)
    }
}

struct AttentionShape {
    static let blockedMinimumQueries = 16
    static let queryBlock = 48

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

private func rowwiseAttention(_ s: AttentionShape, _ query: UnsafePointer<Float>, _ key: UnsafePointer<Float>,
                              _ value: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
                              _ executor: ParallelExecutor) {
    let hd = s.headWidth
    let scale = s.scale
    executor.forEach(s.heads * s.queryRows, workspaceFloats: s.keyRows) { piece, scores in
        let h = piece % s.heads
        let i = piece / s.heads
        let column = h * hd
        let q = query + i * s.width + column
        let out = output + i * s.width + column
        let n = s.visibleKeys(i)
        guard n > 0 else {
            out.update(repeating: 0, count: hd)
            return
        }
        for j in 0..<n { scores[j] = scale * dot(q, key + j * s.width + column, hd) }
        softmax(scores, count: n)
        weightedSum(scores, n, value + column, s.width, hd, out)
    }
}

/// Σ_p a[p]·b[p].
@inline(__always)
private func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
    var acc = SIMD16<Float>()
    var p = 0
    while p + 16 <= count {
        acc = acc.addingProduct(SIMDMemory.load(a + p), SIMDMemory.load(b + p))
        p += 16
    }
    var sum = SIMDMemory.sum(acc)
    while p < count { sum = sum.addingProduct(a[p], b[p]); p += 1 }
    return sum
}

/// out[0..<width] = Σ_j weights[j] · rows[j·stride ..< j·stride + width], 64 columns per pass.
@inline(__always)
private func weightedSum(_ weights: UnsafePointer<Float>, _ n: Int, _ rows: UnsafePointer<Float>, _ stride: Int,
                         _ width: Int, _ out: UnsafeMutablePointer<Float>) {
    var c = 0
    while c + 64 <= width {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var row = rows + c
        for j in 0..<n {
            let w = SIMD16<Float>(repeating: weights[j])
            a0 = a0.addingProduct(w, SIMDMemory.load(row))
            a1 = a1.addingProduct(w, SIMDMemory.load(row + 16))
            a2 = a2.addingProduct(w, SIMDMemory.load(row + 32))
            a3 = a3.addingProduct(w, SIMDMemory.load(row + 48))
            row += stride
        }
        SIMDMemory.store(a0, out + c); SIMDMemory.store(a1, out + c + 16)
        SIMDMemory.store(a2, out + c + 32); SIMDMemory.store(a3, out + c + 48)
        c += 64
    }
    while c + 16 <= width {
        var a0 = SIMD16<Float>()
        for j in 0..<n { a0 = a0.addingProduct(SIMD16(repeating: weights[j]), SIMDMemory.load(rows + j * stride + c)) }
        SIMDMemory.store(a0, out + c)
        c += 16
    }
    while c < width {
        var a: Float = 0
        for j in 0..<n { a = a.addingProduct(weights[j], rows[j * stride + c]) }
        out[c] = a
        c += 1
    }
}

// MARK: - many queries

private func blockedAttention(_ s: AttentionShape, _ query: UnsafePointer<Float>, _ key: UnsafePointer<Float>,
                              _ value: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
                              _ executor: ParallelExecutor) {
    let hd = s.headWidth
    let width = GEMMMicroKernel.tileColumns
    let keyPanels = (s.keyRows + width - 1) / width
    let scoreStride = Swift.max(1, keyPanels) * width

    // Kᵀ of every head, pre-scaled by 1/√(d/h), in 32-key panels: panel (h, jp) holds
    // [p][r] = scale · K[32·jp + r][h·hd + p] (zero past the last key).
    let panelFloats = hd * width
    let packedKeys = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, s.heads * keyPanels * panelFloats))
    defer { packedKeys.deallocate() }
    let scale = s.scale
    executor.forEach(s.heads * keyPanels) { piece in
        let h = piece / keyPanels
        let jp = piece % keyPanels
        let panel = packedKeys + piece * panelFloats
        for r in 0..<width {
            let j = jp * width + r
            if j < s.keyRows {
                let k = key + j * s.width + h * hd
                for p in 0..<hd { panel[p * width + r] = scale * k[p] }
            } else {
                for p in 0..<hd { panel[p * width + r] = 0 }
            }
        }
    }

    let queryBlocks = (s.queryRows + AttentionShape.queryBlock - 1) / AttentionShape.queryBlock
    let needsPaddedValues = hd % width != 0
    let scoreFloats = AttentionShape.queryBlock * scoreStride
    let workspace = scoreFloats + 192 + (needsPaddedValues ? s.keyRows * width : 0)
    executor.forEach(s.heads * queryBlocks, workspaceFloats: workspace) { piece, buffer in
        let h = piece % s.heads
        let firstQuery = (piece / s.heads) * AttentionShape.queryBlock
        let endQuery = Swift.min(s.queryRows, firstQuery + AttentionShape.queryBlock)
        let scores = buffer
        let scratch = buffer + scoreFloats
        let column = h * hd
        let keysUsed = s.visibleKeys(endQuery - 1)            // visibility grows with the query index
        guard keysUsed > 0 else {
            for i in firstQuery..<endQuery { (output + i * s.width + column).update(repeating: 0, count: hd) }
            return
        }

        // Scores of the block against the keys it may see.
        for jp in 0..<((keysUsed + width - 1) / width) {
            let panel = UnsafePointer(packedKeys + (h * keyPanels + jp) * panelFloats)
            var i = firstQuery
            while i < endQuery {
                let rows = Swift.min(GEMMMicroKernel.tileRows, endQuery - i)
                GEMMMicroKernel.edgeTile(depth: hd, a: query + i * s.width + column, lda: s.width, rows: rows,
                                         columns: width, b: panel, ldb: width,
                                         start: UnsafePointer(zeroRow), startStride: 0,
                                         c: scores + (i - firstQuery) * scoreStride + jp * width, ldc: scoreStride,
                                         scratch: scratch)
                i += rows
            }
        }
        // Probabilities; keys a row may not see (up to keysUsed) get weight 0.
        for i in firstQuery..<endQuery {
            let row = scores + (i - firstQuery) * scoreStride
            let visible = s.visibleKeys(i)
            softmax(row, count: visible)
            if visible < keysUsed { (row + visible).update(repeating: 0, count: keysUsed - visible) }
        }
        // Weighted sum of value rows, 32 head columns at a time.
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
            var i = firstQuery
            while i < endQuery {
                let rows = Swift.min(GEMMMicroKernel.tileRows, endQuery - i)
                GEMMMicroKernel.edgeTile(depth: keysUsed, a: scores + (i - firstQuery) * scoreStride,
                                         lda: scoreStride, rows: rows, columns: columns, b: b, ldb: ldb,
                                         start: UnsafePointer(zeroRow), startStride: 0,
                                         c: output + i * s.width + column + c, ldc: s.width, scratch: scratch)
                i += rows
            }
            c += columns
        }
    }
}
