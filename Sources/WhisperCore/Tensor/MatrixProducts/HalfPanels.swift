/// An f16 matrix re-laid out for the decoder's few-row products: panels of 64 output features
/// (weight rows), each stored input-feature-major — weight (r, k) of panel `j = r / 64` at half
/// `j·columns·64 + k·64 + r % 64` — so one step of a product reads 64 contiguous weights and
/// multiplies them by one broadcast activation.
///
/// Why: row by row, every output is a dot product that ends in a sum across the lanes of a vector,
/// and a beam step converts each f16 weight once per pair of activation rows it can hold in
/// registers. Here the 64 outputs of a panel are lanes of four vectors, each weight is converted once
/// for up to five activation rows and no lanes are summed across. Measured on the tiny logits
/// (51864 × 384, two threads, /tmp microbenchmark): five rows 1.23 against 2.4–3.0 ms, one row
/// 0.83 against 1.27 ms.
///
/// Every output is `Σ_k w[k]·x[k]` accumulated in `k` order with fused multiply-adds in one lane,
/// whatever the number of activation rows or their position, so results do not depend on the batch.
/// Rows past the end of the matrix are stored as zeros. The same bytes as the row-major matrix
/// (plus padding to a whole panel): the panels replace the copy `StreamedMatrices` makes, or — for a
/// model held in memory rather than mapped — the row-major bytes themselves (`rearrangingInPlace`).
package struct HalfPanels: OutputPanels, @unchecked Sendable {
    /// Halves (UInt16 bit patterns).
    package let base: UnsafeMutablePointer<UInt16>
    package let rows: Int
    package let columns: Int
    /// The last, partial panel when it is not at its place after `base` (panels made in place).
    private let tail: UnsafeMutablePointer<UInt16>?

    package init(base: UnsafeMutablePointer<UInt16>, rows: Int, columns: Int) {
        self.init(base: base, rows: rows, columns: columns, tail: nil)
    }

    private init(base: UnsafeMutablePointer<UInt16>, rows: Int, columns: Int, tail: UnsafeMutablePointer<UInt16>?) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.tail = tail
    }

    /// Rearranges the f16 matrix `weight`, held in writable memory, into panels over its own bytes:
    /// panel `j`'s 64 rows are the same bytes in either layout, so each is copied out and written
    /// back transposed. The last panel, when partial, has no room for its padding and goes to a
    /// buffer of its own, `tail`, which the caller owns (`MemoryBudget.deallocate`). Afterwards the
    /// matrix's bytes are no longer row-major. Nil (and nothing changed) when the buffers cannot be had.
    package static func rearrangingInPlace(_ weight: WeightMatrix) -> (panels: HalfPanels, tail: UnsafeMutableRawPointer?)? {
        precondition(weight.type == .f16)
        let (rows, columns) = (weight.rows, weight.columns)
        let panelBytes = width * columns * 2
        guard let scratch = try? MemoryBudget.allocateBytes(panelBytes, alignment: 64, for: "a panel of the decoder's weights"),
              let copy = scratch.baseAddress else { return nil }
        defer { MemoryBudget.deallocate(copy) }
        var tail: UnsafeMutableRawPointer?
        if rows % width != 0 {
            guard let buffer = try? MemoryBudget.allocateBytes(panelBytes, alignment: 64, for: "a panel of the decoder's weights")
            else { return nil }
            tail = buffer.baseAddress
        }
        let base = UnsafeMutablePointer(mutating: weight.base.assumingMemoryBound(to: UInt16.self))
        let panels = HalfPanels(base: base, rows: rows, columns: columns,
                                tail: tail?.assumingMemoryBound(to: UInt16.self))
        for j in 0..<panels.panelCount {
            let first = j * width, count = Swift.min(width, rows - first)
            copy.copyMemory(from: weight.row(first), byteCount: count * weight.rowBytes)
            panels.fillPanel(j) { r in r < count ? UnsafeRawPointer(copy + r * weight.rowBytes) : nil }
        }
        return (panels, tail)
    }

    package var bytesPerRow: Int { 2 * columns }

    package static func byteCount(rows: Int, columns: Int) -> Int {
        (rows + width - 1) / width * width * columns * 2
    }

    /// Start of panel `j`.
    @inline(__always)
    package func panel(_ j: Int) -> UnsafePointer<UInt16> {
        if let tail, j == rows / Self.width { return UnsafePointer(tail) }
        return UnsafePointer(base + j * columns * Self.width)
    }

    /// Writes panels `range` (all by default) of the f16 matrix `weight` (same shape), then releases
    /// the source rows' mapped pages (see `WeightMatrix.releasePages`): filled a range of about 2 MB at
    /// a time, the source and the panels are never both held whole.
    package func fill(from weight: WeightMatrix, panels range: Range<Int>? = nil) {
        precondition(weight.type == .f16 && weight.rows == rows && weight.columns == columns)
        let range = range ?? 0..<panelCount
        let w = Self.width
        for j in range {
            fillPanel(j) { r in j * w + r < rows ? weight.row(j * w + r) : nil }
        }
        let first = Swift.min(rows, range.lowerBound * w), end = Swift.min(rows, range.upperBound * w)
        weight.releasePages(from: first * weight.rowBytes, count: (end - first) * weight.rowBytes)
    }

    /// Writes panel `j` from its rows: `row(r)` the halves of the panel's row `r` (0..<64), nil past
    /// the matrix (stored as zeros).
    ///
    /// Blocks of 16 rows × 16 columns are transposed in registers as 32-bit lanes (the bits widened,
    /// moved, narrowed back: no conversion), instead of 4096 scattered 2-byte stores.
    private func fillPanel(_ j: Int, row: (Int) -> UnsafeRawPointer?) {
        let w = Self.width
        let wholeColumns = columns / 16 * 16
        let destination = UnsafeMutablePointer(mutating: panel(j))
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * 256) { buffer in
            let block = buffer.baseAddress!, transposed = block + 256
            for group in 0..<(w / 16) {
                for c in stride(from: 0, to: wholeColumns, by: 16) {
                    for r in 0..<16 {
                        let bits = row(group * 16 + r).map { $0.loadUnaligned(fromByteOffset: 2 * c, as: SIMD16<UInt16>.self) } ?? SIMD16()
                        SIMDMemory.store(unsafeBitCast(SIMDConversion.widened(bits), to: SIMD16<Float>.self), block + 16 * r)
                    }
                    Transpose16.store(UnsafePointer(block), into: transposed, stride: 16)
                    for k in 0..<16 {
                        let bits = SIMDConversion.narrowed(unsafeBitCast(SIMDMemory.load(transposed + 16 * k), to: SIMD16<UInt32>.self))
                        UnsafeMutableRawPointer(destination + (c + k) * w + group * 16).storeBytes(of: bits, as: SIMD16<UInt16>.self)
                    }
                }
                for r in 0..<16 {
                    let source = row(group * 16 + r)
                    for c in wholeColumns..<columns {
                        destination[c * w + group * 16 + r] = source?.loadUnaligned(fromByteOffset: 2 * c, as: UInt16.self) ?? 0
                    }
                }
            }
        }
    }

    /// Writes row `r` as `columns` floats into `destination` (a token's embedding: a strided gather).
    package func dequantizeRow(_ r: Int, into destination: UnsafeMutablePointer<Float>) {
        let source = panel(r / Self.width) + r % Self.width
        for k in 0..<columns { destination[k] = HalfPrecision.float(fromBits: source[k * Self.width]) }
    }

    /// Widens rows `firstRow ..< firstRow + 32` (`firstRow` a multiple of 32) into the GEMM's
    /// depth-major 32-wide panel at `destination` — the same layout at half the width, so no transpose.
    package func packForGEMM(firstRow: Int, into destination: UnsafeMutablePointer<Float>) {
        let source = panel(firstRow / Self.width) + firstRow % Self.width
        for k in 0..<columns {
            let s = UnsafeRawPointer(source + k * Self.width)
            SIMDMemory.store(HalfPrecision.loadFloats(s), destination + 32 * k)
            SIMDMemory.store(HalfPrecision.loadFloats(s + 32), destination + 32 * k + 16)
        }
    }

    // MARK: products (see `PanelProducts`)

    @inline(__always)
    package func timesRow(_ j: Int, _ x: UnsafePointer<Float>) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        let w = panel(j)
        var s0 = SIMD16<Float>(), s1 = s0, s2 = s0, s3 = s0
        for p in 0..<columns {
            let v = UnsafeRawPointer(w + p * Self.width)
            let xp = SIMD16<Float>(repeating: x[p])
            s0 = s0.multiplyAdd(HalfPrecision.loadFloats(v), xp)
            s1 = s1.multiplyAdd(HalfPrecision.loadFloats(v + 32), xp)
            s2 = s2.multiplyAdd(HalfPrecision.loadFloats(v + 64), xp)
            s3 = s3.multiplyAdd(HalfPrecision.loadFloats(v + 96), xp)
        }
        return (s0, s1, s2, s3)
    }

    /// Each weight widened once for all five rows.
    @inline(__always)
    func timesFiveRows(_ j: Int, _ x: UnsafePointer<Float>, into sums: inout FiveRowSums) {
        #if AVX512
        sums.withUnsafeMutableFloats { timesFiveRowsWhole(j, x, into: $0) }
        #else
        timesFiveRowsInStrips(j, x, into: &sums)
        #endif
    }

    /// With AVX-512's 32 registers, the twenty accumulators of the whole panel (five rows × 64
    /// outputs) stay in registers for all the inputs: the panel is read once, front to back, as the
    /// one-row product reads it (in strips, each 4 KB of it was read as two interleaved halves, which
    /// kept the loads waiting on memory). Each output's multiply-adds are the strips' own, in order.
    @inline(never)
    private func timesFiveRowsWhole(_ j: Int, _ x: UnsafePointer<Float>, into t: UnsafeMutablePointer<Float>) {
        let w = panel(j), k = columns
        let (x0, x1, x2, x3, x4) = (x, x + k, x + 2 * k, x + 3 * k, x + 4 * k)
        var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
        var c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0
        for p in 0..<k {
            let v = UnsafeRawPointer(w + p * Self.width)
            let w0 = HalfPrecision.loadFloats(v), w1 = HalfPrecision.loadFloats(v + 32)
            let w2 = HalfPrecision.loadFloats(v + 64), w3 = HalfPrecision.loadFloats(v + 96)
            var r = SIMD16<Float>(repeating: x0[p])
            a0 = a0.multiplyAdd(w0, r); a1 = a1.multiplyAdd(w1, r); a2 = a2.multiplyAdd(w2, r); a3 = a3.multiplyAdd(w3, r)
            r = SIMD16<Float>(repeating: x1[p])
            b0 = b0.multiplyAdd(w0, r); b1 = b1.multiplyAdd(w1, r); b2 = b2.multiplyAdd(w2, r); b3 = b3.multiplyAdd(w3, r)
            r = SIMD16<Float>(repeating: x2[p])
            c0 = c0.multiplyAdd(w0, r); c1 = c1.multiplyAdd(w1, r); c2 = c2.multiplyAdd(w2, r); c3 = c3.multiplyAdd(w3, r)
            r = SIMD16<Float>(repeating: x3[p])
            d0 = d0.multiplyAdd(w0, r); d1 = d1.multiplyAdd(w1, r); d2 = d2.multiplyAdd(w2, r); d3 = d3.multiplyAdd(w3, r)
            r = SIMD16<Float>(repeating: x4[p])
            e0 = e0.multiplyAdd(w0, r); e1 = e1.multiplyAdd(w1, r); e2 = e2.multiplyAdd(w2, r); e3 = e3.multiplyAdd(w3, r)
        }
        SIMDMemory.store(a0, t); SIMDMemory.store(a1, t + 16); SIMDMemory.store(a2, t + 32); SIMDMemory.store(a3, t + 48)
        SIMDMemory.store(b0, t + 64); SIMDMemory.store(b1, t + 80); SIMDMemory.store(b2, t + 96); SIMDMemory.store(b3, t + 112)
        SIMDMemory.store(c0, t + 128); SIMDMemory.store(c1, t + 144); SIMDMemory.store(c2, t + 160); SIMDMemory.store(c3, t + 176)
        SIMDMemory.store(d0, t + 192); SIMDMemory.store(d1, t + 208); SIMDMemory.store(d2, t + 224); SIMDMemory.store(d3, t + 240)
        SIMDMemory.store(e0, t + 256); SIMDMemory.store(e1, t + 272); SIMDMemory.store(e2, t + 288); SIMDMemory.store(e3, t + 304)
    }

    /// The panel taken 32 inputs (4 KB) at a time and, within them, one `KernelStrip` of outputs at a
    /// time: five accumulators stay in registers (all twenty vectors of 16 at once would spill on
    /// AVX2), and the 4 KB stay in L1 for the strips after the first (chunks of 16 inputs ran as
    /// fast, of 128 or all inputs 25–40 % slower: `bench --matmul -t 1`, Zen 2).
    @inline(__always)
    private func timesFiveRowsInStrips(_ j: Int, _ x: UnsafePointer<Float>, into sums: inout FiveRowSums) {
        let w = panel(j), k = columns
        let (x0, x1, x2, x3, x4) = (x, x + k, x + 2 * k, x + 3 * k, x + 4 * k)
        sums.withUnsafeMutableFloats { t in
            for first in stride(from: 0, to: k, by: 32) {
                let end = Swift.min(k, first + 32)
                for o in stride(from: 0, to: Self.width, by: KernelStrip.scalarCount) {
                    func start(_ r: Int) -> KernelStrip { first == 0 ? KernelStrip() : KernelStrip.load(t + 64 * r + o) }
                    var s0 = start(0), s1 = start(1), s2 = start(2), s3 = start(3), s4 = start(4)
                    for p in first..<end {
                        let v = UnsafeRawPointer(w + p * Self.width + o)
                        let wp = KernelStrip { HalfPrecision.loadFloats(v + 32 * $0) }
                        s0 = s0.multiplyAdd(wp, KernelStrip(repeating: x0[p]))
                        s1 = s1.multiplyAdd(wp, KernelStrip(repeating: x1[p]))
                        s2 = s2.multiplyAdd(wp, KernelStrip(repeating: x2[p]))
                        s3 = s3.multiplyAdd(wp, KernelStrip(repeating: x3[p]))
                        s4 = s4.multiplyAdd(wp, KernelStrip(repeating: x4[p]))
                    }
                    s0.store(to: t + o); s1.store(to: t + 64 + o); s2.store(to: t + 128 + o)
                    s3.store(to: t + 192 + o); s4.store(to: t + 256 + o)
                }
            }
        }
    }
}
