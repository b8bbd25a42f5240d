/// Weights converted to f32 and rearranged for `GEMMMicroKernel`: panels of 32 output features
/// (weight rows), each stored depth-major — element (p, r) of panel `j` (input feature `p`, weight
/// row `32·j + r`) at `j·depth·32 + p·32 + r` — so one kernel step reads 32 contiguous floats.
/// Rows beyond the matrix are zero. Converting per panel means the model stays in its own storage
/// type; only the panels being multiplied exist as f32.
struct PackedWeightPanels {
    let base: UnsafeMutablePointer<Float>
    /// Input features (the weight's columns).
    let depth: Int
    /// Panels held.
    let count: Int

    static let width = GEMMMicroKernel.tileColumns

    static func floats(depth: Int, panels: Int) -> Int { depth * width * panels }

    @inline(__always)
    func panel(_ j: Int) -> UnsafeMutablePointer<Float> { base + j * depth * Self.width }

    /// Packs weight rows `firstRow ..< firstRow + 32` (those that exist) into panel `j`.
    func pack(_ weight: WeightMatrix, firstRow: Int, into j: Int) {
        switch weight.type {
        case .f32: pack(F32Decoder.self, weight, firstRow, j)
        case .f16: pack(F16Decoder.self, weight, firstRow, j)
        case .q4_0: pack(Q4_0Decoder.self, weight, firstRow, j)
        case .q4_1: pack(Q4_1Decoder.self, weight, firstRow, j)
        case .q5_0: pack(Q5_0Decoder.self, weight, firstRow, j)
        case .q5_1: pack(Q5_1Decoder.self, weight, firstRow, j)
        case .q8_0: pack(Q8_0Decoder.self, weight, firstRow, j)
        }
    }

    /// Rows are decoded 16 at a time, 32 values each, into a small buffer; each 16 × 16 block is
    /// then transposed in registers and stored as whole vectors (scalar scatter stores cost several
    /// times more). A tail shorter than 32 (f32/f16 rows) is stored element by element.
    private func pack<D: WeightRowDecoder>(_: D.Type, _ weight: WeightMatrix, _ firstRow: Int, _ j: Int) {
        let w = Self.width
        let destination = panel(j)
        let rows = Swift.min(w, weight.rows - firstRow)
        let chunks = depth / 32
        let tables = DecodingTables.shared
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * 16 * 16) { buffer in
            let low = buffer.baseAddress!, high = low + 256           // [row][k 0..<16], [row][k 16..<32]
            for half in 0..<2 {
                for c in 0..<chunks {
                    for r in 0..<16 {
                        let row = half * 16 + r
                        if row < rows {
                            let (lo, hi) = D.decode(weight.row(firstRow + row) + c * D.chunkBytes, tables)
                            SIMDMemory.store(lo, low + 16 * r)
                            SIMDMemory.store(hi, high + 16 * r)
                        } else {
                            SIMDMemory.store(SIMD16(), low + 16 * r)
                            SIMDMemory.store(SIMD16(), high + 16 * r)
                        }
                    }
                    let d = destination + c * 32 * w + half * 16
                    Transpose16.store(UnsafePointer(low), into: d, stride: w)
                    Transpose16.store(UnsafePointer(high), into: d + 16 * w, stride: w)
                }
            }
        }
        for r in 0..<w {
            let row = r < rows ? weight.row(firstRow + r) : nil
            for p in (chunks * 32)..<depth { destination[p * w + r] = row.map { D.scalar($0, p) } ?? 0 }
        }
    }
}

/// Transposition of a 16 × 16 block of floats held in 16 vectors: four rounds of splitting each pair
/// of vectors into their even and odd lanes (each round rotates the 8 bits of an element's (row,
/// column) address by one; four rounds swap row and column). Each split is one two-source permute.
enum Transpose16 {
    /// Reads the block row-major from `source` (16 rows of 16) and stores its transpose: column `l`
    /// of the block goes to `destination + l·stride`.
    @inline(__always)
    static func store(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, stride: Int) {
        func row(_ i: Int) -> SIMD16<Float> { SIMDMemory.load(source + 16 * i) }
        var (a0, a1, a2, a3, a4, a5, a6, a7) = (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
        var (a8, a9, a10, a11, a12, a13, a14, a15) = (row(8), row(9), row(10), row(11), row(12), row(13), row(14), row(15))
        for _ in 0..<4 {
            (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15) =
                (even(a0, a1), even(a2, a3), even(a4, a5), even(a6, a7),
                 even(a8, a9), even(a10, a11), even(a12, a13), even(a14, a15),
                 odd(a0, a1), odd(a2, a3), odd(a4, a5), odd(a6, a7),
                 odd(a8, a9), odd(a10, a11), odd(a12, a13), odd(a14, a15))
        }
        SIMDMemory.store(a0, destination); SIMDMemory.store(a1, destination + stride)
        SIMDMemory.store(a2, destination + 2 * stride); SIMDMemory.store(a3, destination + 3 * stride)
        SIMDMemory.store(a4, destination + 4 * stride); SIMDMemory.store(a5, destination + 5 * stride)
        SIMDMemory.store(a6, destination + 6 * stride); SIMDMemory.store(a7, destination + 7 * stride)
        SIMDMemory.store(a8, destination + 8 * stride); SIMDMemory.store(a9, destination + 9 * stride)
        SIMDMemory.store(a10, destination + 10 * stride); SIMDMemory.store(a11, destination + 11 * stride)
        SIMDMemory.store(a12, destination + 12 * stride); SIMDMemory.store(a13, destination + 13 * stride)
        SIMDMemory.store(a14, destination + 14 * stride); SIMDMemory.store(a15, destination + 15 * stride)
    }

    /// Even lanes of `a` then even lanes of `b` (a lane loop: one `vpermt2ps`).
    @inline(__always)
    static func even(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        var r = SIMD16<Float>()
        for j in 0..<8 { r[j] = a[2 * j]; r[j + 8] = b[2 * j] }
        return r
    }

    /// Odd lanes of `a` then odd lanes of `b`.
    @inline(__always)
    static func odd(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        var r = SIMD16<Float>()
        for j in 0..<8 { r[j] = a[2 * j + 1]; r[j + 8] = b[2 * j + 1] }
        return r
    }
}
