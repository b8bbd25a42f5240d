/// Matrix products with few activation rows (the decoder, one token or a few beams): every weight
/// row is read once, straight from its storage type, 32 values at a time, and multiplied against
/// all activation rows while it sits in L1. Nothing is packed: the cost is reading the weights.
///
/// For block formats a block contributes `d·Σ q·x + offset·Σ x` (`offset` = m, −8d or −16d): the
/// codes are multiplied by x as they are and scaled once per block, and the block sums of x are
/// computed once per call — far fewer vector operations per weight than dequantizing each value.
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
            let loop = PanelPieces(x: x, n: n, .init(panels, bias, out, threads: executor.threads))
            return executor.forEach(loop.pieces, loop)
        }
        if let expanded = weight.expanded {
            return multiply(ExpandedBlockDecoder.self, x, n, Rows(expanded), bias, out, executor)
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

        init(_ expanded: ExpandedBlocks) {
            (base, rowBytes, rows, columns) = (UnsafeRawPointer(expanded.base), expanded.rowBytes, expanded.rows, expanded.columns)
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
        guard b.weight.type == type, c.weight.type == type, b.weight.columns == k, c.weight.columns == k,
              (a.weight.expanded == nil) == (b.weight.expanded == nil), (a.weight.expanded == nil) == (c.weight.expanded == nil)
        else {
            for p in [a, b, c] { multiply(x, rows: n, weight: p.weight, bias: p.bias, into: p.out, executor: executor) }
            return
        }
        if let pa = a.weight.panels, let pb = b.weight.panels, let pc = c.weight.panels {
            return withBiases(a.bias, b.bias, c.bias) { ba, bb, bc in
                let t = executor.threads
                let loop = PanelPieces(x: x, n: n, .init(pa, ba, a.out, threads: t), .init(pb, bb, b.out, threads: t),
                                       .init(pc, bc, c.out, threads: t))
                executor.forEach(loop.pieces, loop)
            }
        }
        if a.weight.expanded != nil { return multiply(ExpandedBlockDecoder.self, x, n, a, b, c, executor) }
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
            func rows(_ p: Projection) -> Rows { p.weight.expanded.map(Rows.init) ?? Rows(p.weight) }
            (rowsA, rowsB, rowsC) = (rows(a), rows(b), rows(c))
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
        for p in (32 * chunks)..<k { tail = tail.addingProduct(D.scalar(row, p), x[p]) }
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
            ta = ta.addingProduct(w, xa[p]); tb = tb.addingProduct(w, xb[p])
            tc = tc.addingProduct(w, xc[p]); td = td.addingProduct(w, xd[p]); te = te.addingProduct(w, xe[p])
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
                lo = lo.addingProduct((codesLo * x0).addingProduct(codesHi, x1), SIMD16(repeating: D.scale(p)))
                if D.hasOffset { offsets = offsets.addingProduct(D.offset(p), blockSum) }
            } else {
                lo = lo.addingProduct(codesLo, x0)
                hi = hi.addingProduct(codesHi, x1)
            }
        }

        @inline(__always)
        var total: Float { SIMDMemory.sum(lo + hi) + offsets }
    }

    // MARK: f16 panels

    /// One product over `HalfPanels`: its panels cut into pieces of whole panels.
    struct PanelProduct {
        let panels: HalfPanels
        let bias: UnsafePointer<Float>?
        let out: UnsafeMutablePointer<Float>
        let panelsPerPiece: Int
        var pieces: Int { (panels.panelCount + panelsPerPiece - 1) / panelsPerPiece }

        init(_ panels: HalfPanels, _ bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>, threads: Int) {
            (self.panels, self.bias, self.out) = (panels, bias, out)
            // As `rowsPerPiece`, in whole panels: two pieces per thread, none over about 640 KB.
            let balanced = panels.panelCount / (2 * threads)
            let bounded = 640 * 1024 / (2 * HalfPanels.width * Swift.max(1, panels.columns))
            panelsPerPiece = Swift.max(1, Swift.min(balanced, bounded))
        }
    }

    /// Up to three products of the same activations in one parallel loop (pieces numbered one
    /// product after another).
    private struct PanelPieces: ParallelLoop {
        let x: UnsafePointer<Float>, n: Int
        let a: PanelProduct, b: PanelProduct?, c: PanelProduct?
        let pieces: Int

        init(x: UnsafePointer<Float>, n: Int, _ a: PanelProduct, _ b: PanelProduct? = nil, _ c: PanelProduct? = nil) {
            (self.x, self.n, self.a, self.b, self.c) = (x, n, a, b, c)
            pieces = a.pieces + (b?.pieces ?? 0) + (c?.pieces ?? 0)
        }

        @inline(__always)
        func run(_ piece: Int) {
            var local = piece
            var product = a
            if local >= a.pieces, let b {
                local -= a.pieces
                product = b
                if local >= b.pieces, let c { local -= b.pieces; product = c }
            }
            let first = local * product.panelsPerPiece
            let end = Swift.min(product.panels.panelCount, first + product.panelsPerPiece)
            for j in first..<end { multiplyPanel(j, product) }
        }

        /// All activation rows times panel `j`: five rows at a time, then one at a time.
        @inline(__always)
        private func multiplyPanel(_ j: Int, _ p: PanelProduct) {
            let k = p.panels.columns, m = p.panels.rows
            let w = p.panels.panel(j)
            let firstOutput = j * HalfPanels.width
            let valid = Swift.min(HalfPanels.width, m - firstOutput)
            var i = 0
            while n - i >= 5 {
                let s = GEMV.panelTimesFiveRows(w, x + i * k, k)
                for r in 0..<5 {
                    store(s[4 * r], s[4 * r + 1], s[4 * r + 2], s[4 * r + 3], p, row: i + r, firstOutput, valid)
                }
                i += 5
            }
            while i < n {
                let s = GEMV.panelTimesRow(w, x + i * k, k)
                store(s.0, s.1, s.2, s.3, p, row: i, firstOutput, valid)
                i += 1
            }
        }

        @inline(__always)
        private func store(_ s0: SIMD16<Float>, _ s1: SIMD16<Float>, _ s2: SIMD16<Float>, _ s3: SIMD16<Float>,
                           _ p: PanelProduct, row: Int, _ firstOutput: Int, _ valid: Int) {
            let out = p.out + row * p.panels.rows + firstOutput
            let bias = p.bias.map { $0 + firstOutput }
            if valid == HalfPanels.width {
                if let bias {
                    SIMDMemory.store(s0 + SIMDMemory.load(bias), out); SIMDMemory.store(s1 + SIMDMemory.load(bias + 16), out + 16)
                    SIMDMemory.store(s2 + SIMDMemory.load(bias + 32), out + 32); SIMDMemory.store(s3 + SIMDMemory.load(bias + 48), out + 48)
                } else {
                    SIMDMemory.store(s0, out); SIMDMemory.store(s1, out + 16)
                    SIMDMemory.store(s2, out + 32); SIMDMemory.store(s3, out + 48)
                }
                return
            }
            // The last, partial panel.
            for q in 0..<4 where 16 * q < valid {
                let s = q == 0 ? s0 : q == 1 ? s1 : q == 2 ? s2 : s3
                let count = Swift.min(16, valid - 16 * q)
                let b = bias.map { SIMDMemory.load($0 + 16 * q, count: count, fill: 0) } ?? SIMD16()
                SIMDMemory.store(s + b, out + 16 * q, count: count)
            }
        }
    }

    /// The 64 outputs of one panel for one activation row: four vectors of 16.
    @inline(__always)
    static func panelTimesRow(_ w: UnsafePointer<UInt16>, _ x: UnsafePointer<Float>, _ k: Int)
        -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        var s0 = SIMD16<Float>(), s1 = s0, s2 = s0, s3 = s0
        for p in 0..<k {
            let v = UnsafeRawPointer(w + p * HalfPanels.width)
            let xp = SIMD16<Float>(repeating: x[p])
            s0 = s0.addingProduct(HalfPrecision.loadFloats(v), xp)
            s1 = s1.addingProduct(HalfPrecision.loadFloats(v + 32), xp)
            s2 = s2.addingProduct(HalfPrecision.loadFloats(v + 64), xp)
            s3 = s3.addingProduct(HalfPrecision.loadFloats(v + 96), xp)
        }
        return (s0, s1, s2, s3)
    }

    /// The 64 outputs of one panel for five activation rows `x + r·k`: 20 accumulators, each weight
    /// vector widened once for all five rows. Row `r`'s outputs are elements `4r ..< 4r + 4`; each is
    /// summed exactly as in `panelTimesRow`.
    @inline(__always)
    static func panelTimesFiveRows(_ w: UnsafePointer<UInt16>, _ x: UnsafePointer<Float>, _ k: Int) -> FiveRowSums {
        var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
        var c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0
        for p in 0..<k {
            let v = UnsafeRawPointer(w + p * HalfPanels.width)
            let w0 = HalfPrecision.loadFloats(v), w1 = HalfPrecision.loadFloats(v + 32)
            let w2 = HalfPrecision.loadFloats(v + 64), w3 = HalfPrecision.loadFloats(v + 96)
            let xa = SIMD16<Float>(repeating: x[p]), xb = SIMD16<Float>(repeating: x[k + p])
            let xc = SIMD16<Float>(repeating: x[2 * k + p]), xd = SIMD16<Float>(repeating: x[3 * k + p])
            let xe = SIMD16<Float>(repeating: x[4 * k + p])
            a0 = a0.addingProduct(w0, xa); a1 = a1.addingProduct(w1, xa); a2 = a2.addingProduct(w2, xa); a3 = a3.addingProduct(w3, xa)
            b0 = b0.addingProduct(w0, xb); b1 = b1.addingProduct(w1, xb); b2 = b2.addingProduct(w2, xb); b3 = b3.addingProduct(w3, xb)
            c0 = c0.addingProduct(w0, xc); c1 = c1.addingProduct(w1, xc); c2 = c2.addingProduct(w2, xc); c3 = c3.addingProduct(w3, xc)
            d0 = d0.addingProduct(w0, xd); d1 = d1.addingProduct(w1, xd); d2 = d2.addingProduct(w2, xd); d3 = d3.addingProduct(w3, xd)
            e0 = e0.addingProduct(w0, xe); e1 = e1.addingProduct(w1, xe); e2 = e2.addingProduct(w2, xe); e3 = e3.addingProduct(w3, xe)
        }
        return FiveRowSums(a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3, e0, e1, e2, e3)
    }

    /// Twenty accumulators, row-major (five rows of four vectors).
    struct FiveRowSums {
        private let v: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                        SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                        SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                        SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)

        @inline(__always)
        init(_ v0: SIMD16<Float>, _ v1: SIMD16<Float>, _ v2: SIMD16<Float>, _ v3: SIMD16<Float>, _ v4: SIMD16<Float>,
             _ v5: SIMD16<Float>, _ v6: SIMD16<Float>, _ v7: SIMD16<Float>, _ v8: SIMD16<Float>, _ v9: SIMD16<Float>,
             _ v10: SIMD16<Float>, _ v11: SIMD16<Float>, _ v12: SIMD16<Float>, _ v13: SIMD16<Float>, _ v14: SIMD16<Float>,
             _ v15: SIMD16<Float>, _ v16: SIMD16<Float>, _ v17: SIMD16<Float>, _ v18: SIMD16<Float>, _ v19: SIMD16<Float>) {
            v = (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19)
        }

        @inline(__always)
        subscript(_ i: Int) -> SIMD16<Float> {
            withUnsafeBytes(of: v) { $0.load(fromByteOffset: i * MemoryLayout<SIMD16<Float>>.stride, as: SIMD16<Float>.self) }
        }
    }

    /// Calls `body` with pointers to the three optional biases.
    @inline(__always)
    private static func withBiases<R>(_ a: [Float]?, _ b: [Float]?, _ c: [Float]?,
                                      _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?) -> R) -> R {
        func with<T>(_ v: [Float]?, _ f: (UnsafePointer<Float>?) -> T) -> T {
            guard let v else { return f(nil) }
            return v.withUnsafeBufferPointer { f($0.baseAddress) }
        }
        return with(a) { pa in with(b) { pb in with(c) { pc in body(pa, pb, pc) } } }
    }
}
