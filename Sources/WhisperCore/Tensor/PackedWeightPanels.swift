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

    private func pack<D: WeightRowDecoder>(_: D.Type, _ weight: WeightMatrix, _ firstRow: Int, _ j: Int) {
        let w = Self.width
        let destination = panel(j)
        let rows = Swift.min(w, weight.rows - firstRow)
        let chunks = depth / 32
        let tables = DecodingTables.shared
        for r in 0..<rows {
            let row = weight.row(firstRow + r)
            for c in 0..<chunks {
                let (lo, hi) = D.decode(row + c * D.chunkBytes, tables)
                let d = destination + c * 32 * w + r
                for l in 0..<16 { d[l * w] = lo[l] }
                for l in 0..<16 { d[(16 + l) * w] = hi[l] }
            }
            for p in (chunks * 32)..<depth { destination[p * w + r] = D.scalar(row, p) }
        }
        if rows < w {
            for p in 0..<depth {
                for r in rows..<w { destination[p * w + r] = 0 }
            }
        }
    }
}
