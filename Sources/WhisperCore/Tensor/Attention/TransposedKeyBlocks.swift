/// The layout of the decoder's cross-attention keys: single-precision values in blocks of 16 key
/// positions, each block stored transposed (`[block][column][16 positions]`; the last block padded
/// with zeros).
///
/// Single, not half precision (as the values are): rounding the keys to f16 alone moved the real
/// tiny.en's logits by 2.5e-3 from float64 (the values' rounding 1.4e-3), more than the parity
/// tolerance; the keys are a sixth of a token's reads on tiny.en, so the price is a few percent.
///
/// A query's dot products with 16 keys then need no sums across vector lanes: for each column of a
/// head, one broadcast of the query value times one contiguous vector of 16 keys. Row-major keys
/// give each key's products in a vector that must be reduced on its own, which made the scores the
/// slower half of cross-attention. Heads are contiguous column ranges, so head `h` of a block
/// starts at column `h · headWidth`.
enum TransposedKeyBlocks {
    /// Key positions per block.
    static let positions = 16

    /// Floats needed for `rows` keys of `width` columns (whole blocks).
    static func floatCount(rows: Int, width: Int) -> Int {
        (rows + positions - 1) / positions * positions * width
    }

    /// Bytes of one key value.
    static let elementBytes = MemoryLayout<Float>.stride

    /// `rows` row-major keys (`[rows][width]` floats) into the layout.
    static func store(_ keys: UnsafePointer<Float>, rows: Int, width: Int, into blocks: UnsafeMutablePointer<Float>) {
        for first in stride(from: 0, to: rows, by: positions) {
            let count = Swift.min(positions, rows - first)
            let block = blocks + first * width
            for column in 0..<width {
                var v = SIMD16<Float>()
                for l in 0..<count { v[l] = keys[(first + l) * width + column] }
                SIMDMemory.store(v, block + column * positions)
            }
        }
    }

    /// The keys back as row-major floats (`[rows][width]`).
    static func widen(_ blocks: UnsafeRawPointer, rows: Int, width: Int, into keys: UnsafeMutablePointer<Float>) {
        for first in stride(from: 0, to: rows, by: positions) {
            let count = Swift.min(positions, rows - first)
            let block = blocks + elementBytes * first * width
            for column in 0..<width {
                let v = load(block + elementBytes * column * positions)
                for l in 0..<count { keys[(first + l) * width + column] = v[l] }
            }
        }
    }

    /// 16 consecutive keys' values of one column.
    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> SIMD16<Float> { p.loadUnaligned(as: SIMD16<Float>.self) }

    /// Lane `l`: Σ_c query[c] · key_l[c] over one head's `headWidth` columns, where `head` points at
    /// the head's first column in a block. Four accumulators keep the multiply-adds independent.
    /// (Out of line: inlined into the loops around it, LLVM split its vectors into scalars.)
    @inline(never)
    static func scores(query: UnsafePointer<Float>, head: UnsafeRawPointer, headWidth: Int) -> SIMD16<Float> {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        let stride = elementBytes * positions
        var c = 0
        while c + 4 <= headWidth {
            let column = head + c * stride
            a0 = a0.multiplyAdd(SIMD16(repeating: query[c]), load(column))
            a1 = a1.multiplyAdd(SIMD16(repeating: query[c + 1]), load(column + stride))
            a2 = a2.multiplyAdd(SIMD16(repeating: query[c + 2]), load(column + 2 * stride))
            a3 = a3.multiplyAdd(SIMD16(repeating: query[c + 3]), load(column + 3 * stride))
            c += 4
        }
        while c < headWidth {
            a0 = a0.multiplyAdd(SIMD16(repeating: query[c]), load(head + c * stride))
            c += 1
        }
        return (a0 + a1) + (a2 + a3)
    }

    /// `scores` for five queries `query + r·queryStride` at once: each key column is widened once for
    /// all five (a beam step), and each query's sums are formed exactly as `scores` forms them.
    @inline(never)
    static func scores(fiveQueries query: UnsafePointer<Float>, queryStride: Int, head: UnsafeRawPointer,
                       headWidth: Int) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
        var c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0
        let qa = query, qb = query + queryStride, qc = query + 2 * queryStride
        let qd = query + 3 * queryStride, qe = query + 4 * queryStride
        let stride = elementBytes * positions
        var c = 0
        while c + 4 <= headWidth {
            let column = head + c * stride
            let k0 = load(column), k1 = load(column + stride)
            let k2 = load(column + 2 * stride), k3 = load(column + 3 * stride)
            a0 = a0.multiplyAdd(SIMD16(repeating: qa[c]), k0); a1 = a1.multiplyAdd(SIMD16(repeating: qa[c + 1]), k1)
            a2 = a2.multiplyAdd(SIMD16(repeating: qa[c + 2]), k2); a3 = a3.multiplyAdd(SIMD16(repeating: qa[c + 3]), k3)
            b0 = b0.multiplyAdd(SIMD16(repeating: qb[c]), k0); b1 = b1.multiplyAdd(SIMD16(repeating: qb[c + 1]), k1)
            b2 = b2.multiplyAdd(SIMD16(repeating: qb[c + 2]), k2); b3 = b3.multiplyAdd(SIMD16(repeating: qb[c + 3]), k3)
            c0 = c0.multiplyAdd(SIMD16(repeating: qc[c]), k0); c1 = c1.multiplyAdd(SIMD16(repeating: qc[c + 1]), k1)
            c2 = c2.multiplyAdd(SIMD16(repeating: qc[c + 2]), k2); c3 = c3.multiplyAdd(SIMD16(repeating: qc[c + 3]), k3)
            d0 = d0.multiplyAdd(SIMD16(repeating: qd[c]), k0); d1 = d1.multiplyAdd(SIMD16(repeating: qd[c + 1]), k1)
            d2 = d2.multiplyAdd(SIMD16(repeating: qd[c + 2]), k2); d3 = d3.multiplyAdd(SIMD16(repeating: qd[c + 3]), k3)
            e0 = e0.multiplyAdd(SIMD16(repeating: qe[c]), k0); e1 = e1.multiplyAdd(SIMD16(repeating: qe[c + 1]), k1)
            e2 = e2.multiplyAdd(SIMD16(repeating: qe[c + 2]), k2); e3 = e3.multiplyAdd(SIMD16(repeating: qe[c + 3]), k3)
            c += 4
        }
        while c < headWidth {
            let k = load(head + c * stride)
            a0 = a0.multiplyAdd(SIMD16(repeating: qa[c]), k); b0 = b0.multiplyAdd(SIMD16(repeating: qb[c]), k)
            c0 = c0.multiplyAdd(SIMD16(repeating: qc[c]), k); d0 = d0.multiplyAdd(SIMD16(repeating: qd[c]), k)
            e0 = e0.multiplyAdd(SIMD16(repeating: qe[c]), k)
            c += 1
        }
        return ((a0 + a1) + (a2 + a3), (b0 + b1) + (b2 + b3), (c0 + c1) + (c2 + c3), (d0 + d1) + (d2 + d3), (e0 + e1) + (e2 + e3))
    }
}
