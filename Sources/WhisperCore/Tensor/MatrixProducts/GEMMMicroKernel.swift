/// The register-blocked inner kernel of every matrix product: a tile of 6 rows × 32 columns of the
/// output, kept in accumulators while `depth` rank-1 updates stream through.
///
/// For each step `p`, 32 contiguous values of `b` (one row of a packed weight panel, or of a
/// row-major right operand) are multiplied by each of the 6 values `a[i][p]` and added with fused
/// multiply-adds. The tile is computed in column strips (`KernelStrip`), six accumulators of two
/// registers each: with AVX-512 one strip of 32 columns, with AVX2 two strips of 16 one after the
/// other (a single pass of 32 columns would need 24 of AVX2's 16 registers and spill every step:
/// 50 against 68 GFLOP/s per core on the f16 encoder products, `bench --matmul -t 1`, Zen 2).
enum GEMMMicroKernel {
    static let tileRows = 6
    static let tileColumns = 32

    /// `c[i][0..<32] = start[i][0..<32] + Σ_p a[i][p] · b[p][0..<32]` for i in 0..<6.
    ///
    /// Rows `i ≥ validRows` read row `validRows − 1` of `a` (their results are garbage: the caller
    /// gives a scratch tile for partial tiles). `start` may equal `c`; `startStride` 0 broadcasts one
    /// row (the bias).
    @inline(__always)
    static func tile(depth: Int, a: UnsafePointer<Float>, lda: Int, validRows: Int,
                     b: UnsafePointer<Float>, ldb: Int,
                     start: UnsafePointer<Float>, startStride: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int) {
        let last = validRows - 1
        let rows = (a, a + Swift.min(1, last) * lda, a + Swift.min(2, last) * lda,
                    a + Swift.min(3, last) * lda, a + Swift.min(4, last) * lda, a + Swift.min(5, last) * lda)
        for column in stride(from: 0, to: tileColumns, by: KernelStrip.scalarCount) {
            strip(depth: depth, b: b + column, ldb: ldb, start: start + column, startStride: startStride,
                  c: c + column, ldc: ldc) { p in
                (rows.0[p], rows.1[p], rows.2[p], rows.3[p], rows.4[p], rows.5[p])
            }
        }
    }

    /// `tile` with the 6 rows of `a` interleaved: `a[i][p]` at `a[p·aStep + i]` (one pointer, one cache
    /// line per step), as when the left operand is stored transposed. Rows beyond `validRows` read
    /// neighbouring columns (the caller keeps them readable and discards their results).
    @inline(__always)
    static func interleavedTile(depth: Int, a: UnsafePointer<Float>, aStep: Int,
                                b: UnsafePointer<Float>, ldb: Int,
                                start: UnsafePointer<Float>, startStride: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int) {
        for column in stride(from: 0, to: tileColumns, by: KernelStrip.scalarCount) {
            strip(depth: depth, b: b + column, ldb: ldb, start: start + column, startStride: startStride,
                  c: c + column, ldc: ldc) { p in
                let ap = a + p * aStep
                return (ap[0], ap[1], ap[2], ap[3], ap[4], ap[5])
            }
        }
    }

    /// One strip of the tile: six rows of `KernelStrip.scalarCount` columns in six accumulators.
    /// `column(p)` gives the six values `a[0..<6][p]`.
    @inline(__always)
    private static func strip(depth: Int, b: UnsafePointer<Float>, ldb: Int,
                              start: UnsafePointer<Float>, startStride: Int,
                              c: UnsafeMutablePointer<Float>, ldc: Int,
                              column: (Int) -> (Float, Float, Float, Float, Float, Float)) {
        var c0 = KernelStrip.load(start), c1 = KernelStrip.load(start + startStride)
        var c2 = KernelStrip.load(start + 2 * startStride), c3 = KernelStrip.load(start + 3 * startStride)
        var c4 = KernelStrip.load(start + 4 * startStride), c5 = KernelStrip.load(start + 5 * startStride)
        var bp = b
        for p in 0..<depth {
            let w = KernelStrip.load(bp)
            let a = column(p)
            c0 = c0.multiplyAdd(KernelStrip(repeating: a.0), w)
            c1 = c1.multiplyAdd(KernelStrip(repeating: a.1), w)
            c2 = c2.multiplyAdd(KernelStrip(repeating: a.2), w)
            c3 = c3.multiplyAdd(KernelStrip(repeating: a.3), w)
            c4 = c4.multiplyAdd(KernelStrip(repeating: a.4), w)
            c5 = c5.multiplyAdd(KernelStrip(repeating: a.5), w)
            bp += ldb
        }
        c0.store(to: c); c1.store(to: c + ldc); c2.store(to: c + 2 * ldc)
        c3.store(to: c + 3 * ldc); c4.store(to: c + 4 * ldc); c5.store(to: c + 5 * ldc)
    }

    /// A tile that may be partial (`rows` ≤ 6 valid rows, `columns` ≤ 32 valid columns): full tiles
    /// go straight to `c`; partial ones through `scratch` (192 floats) so nothing outside the valid
    /// region of `c` (or of `start`) is touched. `b` must hold 32 readable columns.
    @inline(__always)
    static func edgeTile(depth: Int, a: UnsafePointer<Float>, lda: Int, rows: Int, columns: Int,
                         b: UnsafePointer<Float>, ldb: Int,
                         start: UnsafePointer<Float>, startStride: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int,
                         scratch: UnsafeMutablePointer<Float>) {
        if rows == tileRows && columns == tileColumns {
            tile(depth: depth, a: a, lda: lda, validRows: rows, b: b, ldb: ldb,
                 start: start, startStride: startStride, c: c, ldc: ldc)
            return
        }
        for i in 0..<tileRows {
            let source = start + Swift.min(i, rows - 1) * startStride
            for j in 0..<tileColumns { scratch[i * tileColumns + j] = j < columns ? source[j] : 0 }
        }
        tile(depth: depth, a: a, lda: lda, validRows: rows, b: b, ldb: ldb,
             start: scratch, startStride: tileColumns, c: scratch, ldc: tileColumns)
        for i in 0..<rows {
            for j in 0..<columns { c[i * ldc + j] = scratch[i * tileColumns + j] }
        }
    }
}

/// 64 zeros: the starting tile row of products without bias.
let zeroRow: UnsafeMutablePointer<Float> = {
    let p = UnsafeMutablePointer<Float>.allocate(capacity: 64)
    p.initialize(repeating: 0, count: 64)
    return p
}()
