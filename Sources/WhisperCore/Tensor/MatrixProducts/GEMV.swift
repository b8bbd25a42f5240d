/// Matrix products with few activation rows (the decoder, one token or a few beams): every weight
/// row is read once, straight from its storage type, 32 values at a time, and multiplied against
/// all activation rows while it sits in L1. Nothing is packed: the cost is reading the weights.
///
/// For block formats a block contributes `d·Σ q·x + offset·Σ x` (`offset` = m, −8d or −16d): the
/// codes are multiplied by x as they are and scaled once per block, and the block sums of x are
/// computed once per call — far fewer vector operations per weight than dequantizing each value.
///
/// The decoder's own matrices carry panels (`HalfPanels`, `QuantizedPanels`) and are multiplied by
/// `PanelProducts` instead; these row kernels serve the rest (f32, and any matrix without panels).
enum GEMV {
    /// Weight rows per piece of work. Each output is one weight row's dot product, computed the same
    /// way whichever piece holds it, so the split cannot change results and is chosen for speed:
    /// long contiguous runs of rows, because each new run makes the hardware prefetcher start over
    /// (a tiny token: 1.79–1.89 against 1.87–1.96 ms; then two pieces per thread instead of four,
    /// 1.54–1.67 against 1.65–1.70 ms, alternating runs), but two pieces per thread for balance, and
    /// none over about 640 KB (the logits matrix), so that a thread delayed by the machine does not
    /// hold up the rest.
    static func rowsPerPiece(_ m: Int, rowBytes: Int, threads: Int) -> Int {
        let balanced = (m + 2 * threads - 1) / (2 * threads)
        let bounded = Swift.max(1, 640 * 1024 / Swift.max(1, rowBytes))
        return Swift.max(16, (Swift.min(balanced, bounded) + 15) / 16 * 16)
    }

    static func multiply(_ x: UnsafePointer<Float>, rows n: Int, weight: WeightMatrix,
                         bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>,
                         executor: ParallelExecutor) {
        if let panels = weight.panels {
            return PanelProducts.multiply(x, rows: n, panels, bias: bias, into: out, executor: executor)
        }
        if let panels = weight.quantizedPanels {
            return PanelProducts.multiply(x, rows: n, panels, bias: bias, into: out, executor: executor)
        }
        let rows = Rows(weight)
        switch weight.type {
        case .f32: multiply(F32Decoder.self, x, n, rows, bias, out, executor)
        case .f16: multiply(F16Decoder.self, x, n, rows, bias, out, executor)
        case .q4_0: multiply(Q4_0Decoder.self, x, n, rows, bias, out, executor)
        case .q4_1: multiply(Q4_1Decoder.self, x, n, rows, bias, out, executor)
        case .q5_0: multiply(Q5_0Decoder.self, x, n, rows, bias, out, executor)
        case .q5_1: multiply(Q5_1Decoder.self, x, n, rows, bias, out, executor)
        case .q8_0: multiply(Q8_0Decoder.self, x, n, rows, bias, out, executor)
        }
    }

    /// A matrix as the kernels read it: `rows` rows of `columns` values, `rowBytes` apart.
    struct Rows {
        let base: UnsafeRawPointer
        let rowBytes: Int
        let rows: Int
        let columns: Int

        init(_ weight: WeightMatrix) {
            (base, rowBytes, rows, columns) = (weight.base, weight.rowBytes, weight.rows, weight.columns)
        }

        /// Start of row `r`.
        @inline(__always) func row(_ r: Int) -> UnsafeRawPointer { base + r * rowBytes }
    }

    /// One linear layer `out = x · weightᵀ + bias` of a fused call.
    struct Projection {
        let weight: WeightMatrix
        let bias: [Float]?
        let out: UnsafeMutablePointer<Float>
    }

    /// Three linear layers of the same input, weight type and width (a block's query, key and value)
    /// in one parallel loop over all their pieces: one hand-out instead of three. Each output is
    /// exactly what `multiply` alone would give.
    static func multiply(_ x: UnsafePointer<Float>, rows n: Int, _ a: Projection, _ b: Projection, _ c: Projection,
                         executor: ParallelExecutor) {
        let type = a.weight.type, k = a.weight.columns
        guard b.weight.type == type, c.weight.type == type, b.weight.columns == k, c.weight.columns == k
        else {
            for p in [a, b, c] { multiply(x, rows: n, weight: p.weight, bias: p.bias, into: p.out, executor: executor) }
            return
        }
        if let pa = a.weight.panels, let pb = b.weight.panels, let pc = c.weight.panels {
            return PanelProducts.multiply(x, rows: n, (pa, a.bias, a.out), (pb, b.bias, b.out), (pc, c.bias, c.out), executor: executor)
        }
        if let pa = a.weight.quantizedPanels, let pb = b.weight.quantizedPanels, let pc = c.weight.quantizedPanels {
            return PanelProducts.multiply(x, rows: n, (pa, a.bias, a.out), (pb, b.bias, b.out), (pc, c.bias, c.out), executor: executor)
        }
        switch type {
        case .f32: multiply(F32Decoder.self, x, n, a, b, c, executor)
        case .f16: multiply(F16Decoder.self, x, n, a, b, c, executor)
        case .q4_0: multiply(Q4_0Decoder.self, x, n, a, b, c, executor)
        case .q4_1: multiply(Q4_1Decoder.self, x, n, a, b, c, executor)
        case .q5_0: multiply(Q5_0Decoder.self, x, n, a, b, c, executor)
        case .q5_1: multiply(Q5_1Decoder.self, x, n, a, b, c, executor)
        case .q8_0: multiply(Q8_0Decoder.self, x, n, a, b, c, executor)
        }
    }

    private static func multiply<D: WeightRowDecoder>(_: D.Type, _ x: UnsafePointer<Float>, _ n: Int,
                                                      _ weight: Rows, _ bias: UnsafePointer<Float>?,
                                                      _ out: UnsafeMutablePointer<Float>, _ executor: ParallelExecutor) {
        let m = weight.rows
        let rowsPerPiece = Self.rowsPerPiece(m, rowBytes: weight.rowBytes, threads: executor.threads)
        let pieces = (m + rowsPerPiece - 1) / rowsPerPiece
        withBlockSums(D.self, x, n, weight.columns) { sums in
            executor.forEach(pieces, Pieces<D>(x: x, n: n, weight: weight, bias: bias, out: out,
                                               rowsPerPiece: rowsPerPiece, sums: sums))
        }
    }

    /// One product's pieces: `rowsPerPiece` output features each.
    private struct Pieces<D: WeightRowDecoder>: ParallelLoop {
        let x: UnsafePointer<Float>, n: Int
        let weight: Rows, bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>
        let rowsPerPiece: Int
        let sums: UnsafePointer<Float>

        @inline(__always)
        func run(_ piece: Int) {
            multiplyRows(D.self, x, n, weight, bias, out, piece * rowsPerPiece,
                         Swift.min(weight.rows, (piece + 1) * rowsPerPiece), sums)
        }
    }

    private static func multiply<D: WeightRowDecoder>(_: D.Type, _ x: UnsafePointer<Float>, _ n: Int,
                                                      _ a: Projection, _ b: Projection, _ c: Projection,
                                                      _ executor: ParallelExecutor) {
        withBlockSums(D.self, x, n, a.weight.columns) { sums in
            let loop = FusedPieces<D>(x: x, n: n, a: a, b: b, c: c, sums: sums, threads: executor.threads)
            executor.forEach(loop.piecesA + loop.piecesB + loop.piecesC, loop)
        }
    }

    /// Three products' pieces, numbered one after another: the same pieces as three separate calls.
    private struct FusedPieces<D: WeightRowDecoder>: ParallelLoop {
        let x: UnsafePointer<Float>, n: Int
        let a: Projection, b: Projection, c: Projection
        let rowsA: Rows, rowsB: Rows, rowsC: Rows
        let sums: UnsafePointer<Float>
        let sizeA: Int, sizeB: Int, sizeC: Int
        let piecesA: Int, piecesB: Int, piecesC: Int

        init(x: UnsafePointer<Float>, n: Int, a: Projection, b: Projection, c: Projection, sums: UnsafePointer<Float>,
             threads: Int) {
            (self.x, self.n, self.a, self.b, self.c, self.sums) = (x, n, a, b, c, sums)
            (rowsA, rowsB, rowsC) = (Rows(a.weight), Rows(b.weight), Rows(c.weight))
            sizeA = GEMV.rowsPerPiece(rowsA.rows, rowBytes: rowsA.rowBytes, threads: threads)
            sizeB = GEMV.rowsPerPiece(rowsB.rows, rowBytes: rowsB.rowBytes, threads: threads)
            sizeC = GEMV.rowsPerPiece(rowsC.rows, rowBytes: rowsC.rowBytes, threads: threads)
            piecesA = (a.weight.rows + sizeA - 1) / sizeA
            piecesB = (b.weight.rows + sizeB - 1) / sizeB
            piecesC = (c.weight.rows + sizeC - 1) / sizeC
        }

        @inline(__always)
        func run(_ piece: Int) {
            let p: Projection, rows: Rows, size: Int, local: Int
            if piece < piecesA {
                (p, rows, size, local) = (a, rowsA, sizeA, piece)
            } else if piece < piecesA + piecesB {
                (p, rows, size, local) = (b, rowsB, sizeB, piece - piecesA)
            } else {
                (p, rows, size, local) = (c, rowsC, sizeC, piece - piecesA - piecesB)
            }
            let first = local * size, end = Swift.min(rows.rows, (local + 1) * size)
            if let bias = p.bias {
                bias.withUnsafeBufferPointer { multiplyRows(D.self, x, n, rows, $0.baseAddress, p.out, first, end, sums) }
            } else {
                multiplyRows(D.self, x, n, rows, nil, p.out, first, end, sums)
            }
        }
    }

    /// Calls `body` with the block sums of the `n` rows of x (`k / 32` per row; none for formats
    /// without offsets), computed once per call on the calling thread.
    @inline(__always)
    private static func withBlockSums<D: WeightRowDecoder>(_: D.Type, _ x: UnsafePointer<Float>, _ n: Int, _ k: Int,
                                                           _ body: (UnsafePointer<Float>) -> Void) {
        let chunks = k / 32
        let sumCount = D.hasOffset ? n * chunks : 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Swift.max(1, sumCount)) { buffer in
            let blockSums = buffer.baseAddress!
            for i in 0..<(D.hasOffset ? n : 0) {
                for c in 0..<chunks {
                    let v = x + i * k + 32 * c
                    blockSums[i * chunks + c] = SIMDMemory.sum(SIMDMemory.load(v) + SIMDMemory.load(v + 16))
                }
            }
            body(UnsafePointer(blockSums))
        }
    }

    /// Output features `first..<end` of every activation row.
    @inline(__always)
    private static func multiplyRows<D: WeightRowDecoder>(_: D.Type, _ x: UnsafePointer<Float>, _ n: Int,
                                                          _ weight: Rows, _ bias: UnsafePointer<Float>?,
                                                          _ out: UnsafeMutablePointer<Float>, _ first: Int, _ end: Int,
                                                          _ sums: UnsafePointer<Float>) {
        let m = weight.rows
        let k = weight.columns
        let chunks = k / 32
        let tables = DecodingTables.shared
        // Each weight row is read from memory once for all activation rows: groups of five (a beam
        // step) share each decoded weight block, and the rest take the row from cache.
        for r in first..<end {
            let b = bias?[r] ?? 0
            let row = weight.row(r)
            var i = 0
            while n - i >= 5 {
                let s = dot5(D.self, row, x + i * k, k, sums + i * chunks, chunks, tables)
                out[i * m + r] = b + s.0
                out[(i + 1) * m + r] = b + s.1
                out[(i + 2) * m + r] = b + s.2
                out[(i + 3) * m + r] = b + s.3
                out[(i + 4) * m + r] = b + s.4
                i += 5
            }
            while i < n {
                out[i * m + r] = b + dot1(D.self, row, x + i * k, k, sums + i * chunks, tables)
                i += 1
            }
        }
    }

    /// Σ_p row[p]·x[p] (`sums`: block sums of x, for formats with offsets).
    ///
    /// Every (weight row, activation row) pair is summed in the same order here and in `dot5`, so a
    /// result depends neither on the batch size nor on the row's position in the batch.
    @inline(__always)
    static func dot1<D: WeightRowDecoder>(_: D.Type, _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ k: Int,
                                          _ sums: UnsafePointer<Float>, _ tables: DecodingTables) -> Float {
        let chunks = k / 32
        var a = Accumulator()
        for c in 0..<chunks {
            let p = row + c * D.chunkBytes
            let (lo, hi) = D.codes(p, tables)
            a.add(D.self, p, lo, hi, SIMDMemory.load(x + 32 * c), SIMDMemory.load(x + 32 * c + 16), sums[c])
        }
        var tail: Float = 0
        for p in (32 * chunks)..<k { tail = tail.multiplyAdd(D.scalar(row, p), x[p]) }
        return a.total + tail
    }

    /// Σ_p row[p]·x_i[p] for five activation rows `x_i = x + i·k` sharing each decoded weight block
    /// (`sums`: block sums of the rows, stride `chunks`).
    @inline(__always)
    static func dot5<D: WeightRowDecoder>(_: D.Type, _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>,
                                          _ k: Int, _ sums: UnsafePointer<Float>, _ chunks: Int,
                                          _ tables: DecodingTables) -> (Float, Float, Float, Float, Float) {
        var a = Accumulator(), b = Accumulator(), c = Accumulator(), d = Accumulator(), e = Accumulator()
        let xa = x, xb = x + k, xc = x + 2 * k, xd = x + 3 * k, xe = x + 4 * k
        for j in 0..<chunks {
            let p = row + j * D.chunkBytes
            let o = 32 * j
            let (lo, hi) = D.codes(p, tables)
            a.add(D.self, p, lo, hi, SIMDMemory.load(xa + o), SIMDMemory.load(xa + o + 16), sums[j])
            b.add(D.self, p, lo, hi, SIMDMemory.load(xb + o), SIMDMemory.load(xb + o + 16), sums[chunks + j])
            c.add(D.self, p, lo, hi, SIMDMemory.load(xc + o), SIMDMemory.load(xc + o + 16), sums[2 * chunks + j])
            d.add(D.self, p, lo, hi, SIMDMemory.load(xd + o), SIMDMemory.load(xd + o + 16), sums[3 * chunks + j])
            e.add(D.self, p, lo, hi, SIMDMemory.load(xe + o), SIMDMemory.load(xe + o + 16), sums[4 * chunks + j])
        }
        var ta: Float = 0, tb: Float = 0, tc: Float = 0, td: Float = 0, te: Float = 0
        for p in (32 * chunks)..<k {
            let w = D.scalar(row, p)
            ta = ta.multiplyAdd(w, xa[p]); tb = tb.multiplyAdd(w, xb[p])
            tc = tc.multiplyAdd(w, xc[p]); td = td.multiplyAdd(w, xd[p]); te = te.multiplyAdd(w, xe[p])
        }
        return (a.total + ta, b.total + tb, c.total + tc, d.total + td, e.total + te)
    }

    /// Running sums for one (weight row, activation row) pair.
    struct Accumulator {
        /// Plain formats: products of values 0..<16 and 16..<32; block formats: `lo` holds
        /// Σ d·(codes·x) and `hi` is unused.
        var lo = SIMD16<Float>()
        var hi = SIMD16<Float>()
        /// Σ offset·(block sum of x).
        var offsets: Float = 0

        @inline(__always)
        mutating func add<D: WeightRowDecoder>(_: D.Type, _ p: UnsafeRawPointer, _ codesLo: SIMD16<Float>,
                                               _ codesHi: SIMD16<Float>, _ x0: SIMD16<Float>, _ x1: SIMD16<Float>,
                                               _ blockSum: Float) {
            if D.isBlockScaled {
                lo = lo.multiplyAdd((codesLo * x0).multiplyAdd(codesHi, x1), SIMD16(repeating: D.scale(p)))
                if D.hasOffset { offsets = offsets.multiplyAdd(D.offset(p), blockSum) }
            } else {
                lo = lo.multiplyAdd(codesLo, x0)
                hi = hi.multiplyAdd(codesHi, x1)
            }
        }

        @inline(__always)
        var total: Float { SIMDMemory.sum(lo + hi) + offsets }
    }
}
