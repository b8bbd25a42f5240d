/// A block-quantized matrix (q4_0, q4_1, q5_0, q5_1, q8_0) re-laid out for the decoder's few-row
/// products, the counterpart of `HalfPanels`: panels of 64 output features; in a panel, for each
/// block of 32 input features, the 32 × 64 codes as signed bytes (input-feature-major), then the 64
/// scales and the 64 offsets as floats (weight = offset + code·scale; the offset is −8·scale or
/// −16·scale for q4_0/q5_0, zero for q8_0).
///
/// Why: row by row, each output ends in a sum across lanes and a beam step widens each block's codes
/// once per pair of rows it can hold. Here a step widens 64 codes (four byte-to-float conversions)
/// and uses them for up to five activation rows, as the f16 panels do; scales and offsets apply once
/// per block.
///
/// Made once at load and kept: 1.25 bytes per weight (the file's 0.56–1.06), for tiny 35 MB for
/// the decoder's layers and token embedding. Codes, scales and offsets are the stored ones exactly.
final class QuantizedPanels: OutputPanels, @unchecked Sendable {
    let rows: Int
    let columns: Int
    let base: UnsafeMutableRawPointer

    /// Bytes of one block of a panel: codes, scales, offsets.
    static let blockBytes = 32 * 64 + 2 * 64 * 4
    var blocks: Int { columns / 32 }
    var bytesPerRow: Int { blocks * QuantizedPanels.blockBytes / QuantizedPanels.width }

    /// Start of block `b` of panel `j`.
    @inline(__always)
    func block(_ j: Int, _ b: Int) -> UnsafeRawPointer { UnsafeRawPointer(base + (j * blocks + b) * QuantizedPanels.blockBytes) }

    /// Re-lays out `weight`; nil for unquantized types or when the memory cannot be had (the packed
    /// blocks then serve, more slowly).
    init?(_ weight: WeightMatrix) {
        rows = weight.rows
        columns = weight.columns
        let panels = (rows + QuantizedPanels.width - 1) / QuantizedPanels.width
        guard weight.type.isQuantized, columns % 32 == 0,
              let bytes = MemoryBudget.product([panels, columns / 32, QuantizedPanels.blockBytes]),
              // The token embedding's (25 MB for tiny) is read whole for every token's logits.
              let raw = try? (bytes >= 4 * MemoryBudget.hugePageBytes
                                ? MemoryBudget.allocateStreamedBytes(bytes, for: "the decoder's quantized weights")
                                : MemoryBudget.allocateBytes(bytes, alignment: 64, for: "the decoder's quantized weights")),
              let start = raw.baseAddress else { return nil }
        base = start
        switch weight.type {
        case .q4_0: fill(Q4_0Decoder.self, weight)
        case .q4_1: fill(Q4_1Decoder.self, weight)
        case .q5_0: fill(Q5_0Decoder.self, weight)
        case .q5_1: fill(Q5_1Decoder.self, weight)
        case .q8_0: fill(Q8_0Decoder.self, weight)
        case .f32, .f16: return nil
        }
    }

    deinit {
        MemoryBudget.deallocate(base)
    }

    /// Each block of 16 rows × 32 codes is transposed in registers (as floats, exact integers) and
    /// narrowed to bytes; rows past the matrix are zero.
    private func fill<D: WeightRowDecoder>(_: D.Type, _ weight: WeightMatrix) {
        let tables = DecodingTables.shared
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * 256) { buffer in
            let low = buffer.baseAddress!, high = low + 256, transposed = high + 256
            for j in 0..<panelCount {
                for b in 0..<blocks {
                    let target = base + (j * blocks + b) * QuantizedPanels.blockBytes
                    let scales = (target + 32 * 64).assumingMemoryBound(to: Float.self), offsets = scales + 64
                    for group in 0..<(QuantizedPanels.width / 16) {
                        for r in 0..<16 {
                            let row = j * QuantizedPanels.width + group * 16 + r
                            var (lo, hi) = (SIMD16<Float>(), SIMD16<Float>())
                            var (scale, offset): (Float, Float) = (0, 0)
                            if row < rows {
                                let source = weight.row(row) + b * D.chunkBytes
                                (lo, hi) = D.codes(source, tables)
                                (scale, offset) = (D.scale(source), D.offset(source))
                            }
                            SIMDMemory.store(lo, low + 16 * r)
                            SIMDMemory.store(hi, high + 16 * r)
                            scales[group * 16 + r] = scale
                            offsets[group * 16 + r] = offset
                        }
                        for (half, block) in [low, high].enumerated() {
                            Transpose16.store(UnsafePointer(block), into: transposed, stride: 16)
                            for k in 0..<16 {
                                // An integer c with |c| < 2²² plus 1.5·2²³ holds c in its low mantissa bits (the
                                // generic float-to-integer conversion stays a lane-by-lane loop).
                                let shifted = SIMDMemory.load(transposed + 16 * k) + SIMD16(repeating: 0x1.8p23)
                                let codes = SIMD16<Int8>(truncatingIfNeeded: unsafeBitCast(shifted, to: SIMD16<Int32>.self))
                                (target + (16 * half + k) * 64 + 16 * group).storeBytes(of: codes, as: SIMD16<Int8>.self)
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: products (see `PanelProducts`)

    /// Per block of 32 inputs, Σ code·x accumulates in the lanes; then once per block
    /// `total += scale·(Σ code·x) + offset·(Σ x)`. (Forming each weight first, `fma(code, scale,
    /// offset)`, ran three times slower: /tmp microbenchmark, one thread, 3.4 against 1.2 ms.)
    @inline(__always)
    private static func codes(_ block: UnsafeRawPointer, _ p: Int, _ q: Int) -> SIMD16<Float> {
        SIMDConversion.floats(block.loadUnaligned(fromByteOffset: 64 * p + 16 * q, as: SIMD16<Int8>.self))
    }

    @inline(__always)
    private static func scale(_ block: UnsafeRawPointer, _ q: Int) -> SIMD16<Float> {
        block.loadUnaligned(fromByteOffset: 32 * 64 + 64 * q, as: SIMD16<Float>.self)
    }

    @inline(__always)
    private static func offset(_ block: UnsafeRawPointer, _ q: Int) -> SIMD16<Float> {
        block.loadUnaligned(fromByteOffset: 32 * 64 + 256 + 64 * q, as: SIMD16<Float>.self)
    }

    /// Σ x over inputs `32b ..< 32b + 32`, the same way for every row count.
    @inline(__always)
    private static func blockSum(_ x: UnsafePointer<Float>, _ b: Int) -> Float {
        SIMDMemory.sum(SIMDMemory.load(x + 32 * b) + SIMDMemory.load(x + 32 * b + 16))
    }

    @inline(__always)
    func timesRow(_ j: Int, _ x: UnsafePointer<Float>) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        var t0 = SIMD16<Float>(), t1 = t0, t2 = t0, t3 = t0
        for b in 0..<blocks {
            let block = self.block(j, b)
            var s0 = SIMD16<Float>(), s1 = s0, s2 = s0, s3 = s0
            for p in 0..<32 {
                let xp = SIMD16<Float>(repeating: x[32 * b + p])
                s0 = s0.multiplyAdd(QuantizedPanels.codes(block, p, 0), xp); s1 = s1.multiplyAdd(QuantizedPanels.codes(block, p, 1), xp)
                s2 = s2.multiplyAdd(QuantizedPanels.codes(block, p, 2), xp); s3 = s3.multiplyAdd(QuantizedPanels.codes(block, p, 3), xp)
            }
            let xs = SIMD16<Float>(repeating: QuantizedPanels.blockSum(x, b))
            t0 = t0.multiplyAdd(s0, QuantizedPanels.scale(block, 0)).multiplyAdd(QuantizedPanels.offset(block, 0), xs)
            t1 = t1.multiplyAdd(s1, QuantizedPanels.scale(block, 1)).multiplyAdd(QuantizedPanels.offset(block, 1), xs)
            t2 = t2.multiplyAdd(s2, QuantizedPanels.scale(block, 2)).multiplyAdd(QuantizedPanels.offset(block, 2), xs)
            t3 = t3.multiplyAdd(s3, QuantizedPanels.scale(block, 3)).multiplyAdd(QuantizedPanels.offset(block, 3), xs)
        }
        return (t0, t1, t2, t3)
    }

    /// Block by block and, within a block, one `KernelStrip` of outputs at a time: five block sums in
    /// registers (twenty vectors of 16 at once, with their totals, would spill on AVX2), folded into
    /// the totals as `timesRow` folds its own; the block's 2.5 KB stay in L1 for the strips after
    /// the first.
    @inline(__always)
    func timesFiveRows(_ j: Int, _ x: UnsafePointer<Float>, into totals: inout FiveRowSums) {
        let k = columns
        let (x0, x1, x2, x3, x4) = (x, x + k, x + 2 * k, x + 3 * k, x + 4 * k)
        totals.withUnsafeMutableFloats { t in
            for b in 0..<blocks {
                let block = self.block(j, b)
                let xs = (QuantizedPanels.blockSum(x0, b), QuantizedPanels.blockSum(x1, b), QuantizedPanels.blockSum(x2, b),
                          QuantizedPanels.blockSum(x3, b), QuantizedPanels.blockSum(x4, b))
                for o in stride(from: 0, to: QuantizedPanels.width, by: KernelStrip.scalarCount) {
                    var s0 = KernelStrip(), s1 = s0, s2 = s0, s3 = s0, s4 = s0
                    for p in 0..<32 {
                        let c = KernelStrip { QuantizedPanels.codes(block, p, o / 16 + $0) }
                        let i = 32 * b + p
                        s0 = s0.multiplyAdd(c, KernelStrip(repeating: x0[i]))
                        s1 = s1.multiplyAdd(c, KernelStrip(repeating: x1[i]))
                        s2 = s2.multiplyAdd(c, KernelStrip(repeating: x2[i]))
                        s3 = s3.multiplyAdd(c, KernelStrip(repeating: x3[i]))
                        s4 = s4.multiplyAdd(c, KernelStrip(repeating: x4[i]))
                    }
                    let scale = KernelStrip { QuantizedPanels.scale(block, o / 16 + $0) }
                    let offset = KernelStrip { QuantizedPanels.offset(block, o / 16 + $0) }
                    func fold(_ s: KernelStrip, row r: Int, _ xs: Float) {
                        let total = t + 64 * r + o
                        (b == 0 ? KernelStrip() : KernelStrip.load(total)).multiplyAdd(s, scale)
                            .multiplyAdd(offset, KernelStrip(repeating: xs)).store(to: total)
                    }
                    fold(s0, row: 0, xs.0); fold(s1, row: 1, xs.1); fold(s2, row: 2, xs.2)
                    fold(s3, row: 3, xs.3); fold(s4, row: 4, xs.4)
                }
            }
        }
    }
}
