/// Matrix products with many activation rows (the encoder): `out = a · Wᵀ + bias`, with the weights
/// packed into f32 panels (`PackedWeightPanels`) and the product computed tile by tile by
/// `GEMMMicroKernel`, cache-blocked:
///
/// - a slab of at most `slabFloats` packed weights is made at a time (bounded memory, stays in L2/L3);
/// - the work is cut into fixed pieces of `blockRows` activation rows × `panelsPerPiece` panels,
///   handed to the threads (the cut never depends on the thread count, so neither do the results);
/// - inside a piece the depth is cut into steps of at most `maxDepthStep`, so the 32-column panel
///   piece being used (≤ 24 KB) stays in L1 while the activation block streams from L2.
enum GEMM {
    static let blockRows = 192
    static let panelsPerPiece = 4
    static let maxDepthStep = 192
    static let slabFloats = 1 << 20

    /// `out[i][j] = bias[j] + Σ_p a[i·lda + p] · W[j][p]` for i < n, j < W.rows (`out` row stride `ldo`).
    static func multiply(_ a: UnsafePointer<Float>, lda: Int, rows n: Int, weight: WeightMatrix,
                         bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>, ldo: Int,
                         executor: ParallelExecutor) {
        let k = weight.columns
        let m = weight.rows
        guard n > 0, m > 0 else { return }
        let width = PackedWeightPanels.width
        let totalPanels = (m + width - 1) / width
        let panelsPerSlab = Swift.max(1, Swift.min(totalPanels, slabFloats / Swift.max(1, k * width)))
        ScratchPool.with(floats: PackedWeightPanels.floats(depth: k, panels: panelsPerSlab)) { buffer in
            var firstPanel = 0
            while firstPanel < totalPanels {
                let panels = Swift.min(panelsPerSlab, totalPanels - firstPanel)
                let packed = PackedWeightPanels(base: buffer, depth: k, count: panels)
                let slabStart = firstPanel
                executor.forEach(panels) { j in
                    packed.pack(weight, firstRow: (slabStart + j) * width, into: j)
                }
                let columns = Swift.min(m - firstPanel * width, panels * width)
                multiply(a, lda: lda, rows: n, packed: packed, columns: columns,
                         bias: bias.map { $0 + firstPanel * width },
                         into: out + firstPanel * width, ldo: ldo, executor: executor)
                firstPanel += panels
            }
        }
    }

    /// `out[i][j] = bias[j] + Σ_p a[i·lda + p] · panel(j / 32)[p][j % 32]` for i < n, j < columns.
    static func multiply(_ a: UnsafePointer<Float>, lda: Int, rows n: Int, packed: PackedWeightPanels,
                         columns: Int, bias: UnsafePointer<Float>?,
                         into out: UnsafeMutablePointer<Float>, ldo: Int, executor: ParallelExecutor) {
        let k = packed.depth
        let width = PackedWeightPanels.width
        let rowBlocks = (n + blockRows - 1) / blockRows
        let panelGroups = (packed.count + panelsPerPiece - 1) / panelsPerPiece
        let depthSteps = Swift.max(1, (k + maxDepthStep - 1) / maxDepthStep)
        let step = (k + depthSteps - 1) / depthSteps
        executor.forEach(rowBlocks * panelGroups, workspaceFloats: 192) { piece, scratch in
            let rowStart = (piece % rowBlocks) * blockRows
            let rowEnd = Swift.min(n, rowStart + blockRows)
            let panelStart = (piece / rowBlocks) * panelsPerPiece
            let panelEnd = Swift.min(packed.count, panelStart + panelsPerPiece)
            var p0 = 0
            while p0 < k || (k == 0 && p0 == 0) {
                let depth = Swift.min(step, k - p0)
                for j in panelStart..<panelEnd {
                    let column = j * width
                    let validColumns = Swift.min(width, columns - column)
                    let b = UnsafePointer(packed.panel(j) + p0 * width)
                    var i = rowStart
                    while i < rowEnd {
                        let rows = Swift.min(GEMMMicroKernel.tileRows, rowEnd - i)
                        let c = out + i * ldo + column
                        let start: UnsafePointer<Float>
                        let startStride: Int
                        if p0 > 0 {
                            start = UnsafePointer(c); startStride = ldo
                        } else if let bias {
                            start = bias + column; startStride = 0
                        } else {
                            start = UnsafePointer(zeroRow); startStride = 0
                        }
                        GEMMMicroKernel.edgeTile(depth: depth, a: a + i * lda + p0, lda: lda, rows: rows,
                                                 columns: validColumns, b: b, ldb: width,
                                                 start: start, startStride: startStride,
                                                 c: c, ldc: ldo, scratch: scratch)
                        i += rows
                    }
                }
                if k == 0 { break }
                p0 += depth
            }
        }
    }
}
