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
        if let panels = weight.panels { return panels.packForGEMM(firstRow: firstRow, into: panel(j)) }
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
