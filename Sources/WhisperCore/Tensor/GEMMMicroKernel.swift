/// The register-blocked inner kernel of every matrix product: a tile of 6 rows × 32 columns of the
/// output, kept in 12 SIMD16 accumulators while `depth` rank-1 updates stream through.
///
/// For each step `p`, 32 contiguous values of `b` (one row of a packed weight panel, or of a
/// row-major right operand) are multiplied by each of the 6 values `a[i][p]` and added with fused
/// multiply-adds. 12 accumulators plus 2 operands fit the 32 vector registers of AVX-512 and keep
/// both FMA pipes busy behind their latency.
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
        let a0 = a
        let a1 = a + Swift.min(1, last) * lda
        let a2 = a + Swift.min(2, last) * lda
        let a3 = a + Swift.min(3, last) * lda
        let a4 = a + Swift.min(4, last) * lda
        let a5 = a + Swift.min(5, last) * lda

        var c00 = SIMDMemory.load(start), c01 = SIMDMemory.load(start + 16)
        var c10 = SIMDMemory.load(start + startStride), c11 = SIMDMemory.load(start + startStride + 16)
        var c20 = SIMDMemory.load(start + 2 * startStride), c21 = SIMDMemory.load(start + 2 * startStride + 16)
        var c30 = SIMDMemory.load(start + 3 * startStride), c31 = SIMDMemory.load(start + 3 * startStride + 16)
        var c40 = SIMDMemory.load(start + 4 * startStride), c41 = SIMDMemory.load(start + 4 * startStride + 16)
        var c50 = SIMDMemory.load(start + 5 * startStride), c51 = SIMDMemory.load(start + 5 * startStride + 16)

        var bp = b
        for p in 0..<depth {
            let b0 = SIMDMemory.load(bp)
            let b1 = SIMDMemory.load(bp + 16)
            var s = SIMD16<Float>(repeating: a0[p])
            c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a1[p])
            c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a2[p])
            c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a3[p])
            c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a4[p])
            c40 = c40.addingProduct(s, b0); c41 = c41.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a5[p])
            c50 = c50.addingProduct(s, b0); c51 = c51.addingProduct(s, b1)
            bp += ldb
        }

        SIMDMemory.store(c00, c); SIMDMemory.store(c01, c + 16)
        SIMDMemory.store(c10, c + ldc); SIMDMemory.store(c11, c + ldc + 16)
        SIMDMemory.store(c20, c + 2 * ldc); SIMDMemory.store(c21, c + 2 * ldc + 16)
        SIMDMemory.store(c30, c + 3 * ldc); SIMDMemory.store(c31, c + 3 * ldc + 16)
        SIMDMemory.store(c40, c + 4 * ldc); SIMDMemory.store(c41, c + 4 * ldc + 16)
        SIMDMemory.store(c50, c + 5 * ldc); SIMDMemory.store(c51, c + 5 * ldc + 16)
    }

    /// `tile` with the 6 rows of `a` interleaved: `a[i][p]` at `a[p·aStep + i]` (one pointer, one cache
    /// line per step), as when the left operand is stored transposed. Rows beyond `validRows` read
    /// neighbouring columns (the caller keeps them readable and discards their results).
    @inline(__always)
    static func interleavedTile(depth: Int, a: UnsafePointer<Float>, aStep: Int,
                                b: UnsafePointer<Float>, ldb: Int,
                                start: UnsafePointer<Float>, startStride: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int) {
        var c00 = SIMDMemory.load(start), c01 = SIMDMemory.load(start + 16)
        var c10 = SIMDMemory.load(start + startStride), c11 = SIMDMemory.load(start + startStride + 16)
        var c20 = SIMDMemory.load(start + 2 * startStride), c21 = SIMDMemory.load(start + 2 * startStride + 16)
        var c30 = SIMDMemory.load(start + 3 * startStride), c31 = SIMDMemory.load(start + 3 * startStride + 16)
        var c40 = SIMDMemory.load(start + 4 * startStride), c41 = SIMDMemory.load(start + 4 * startStride + 16)
        var c50 = SIMDMemory.load(start + 5 * startStride), c51 = SIMDMemory.load(start + 5 * startStride + 16)

        var ap = a
        var bp = b
        for _ in 0..<depth {
            let b0 = SIMDMemory.load(bp)
            let b1 = SIMDMemory.load(bp + 16)
            var s = SIMD16<Float>(repeating: ap[0])
            c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: ap[1])
            c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: ap[2])
            c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: ap[3])
            c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: ap[4])
            c40 = c40.addingProduct(s, b0); c41 = c41.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: ap[5])
            c50 = c50.addingProduct(s, b0); c51 = c51.addingProduct(s, b1)
            ap += aStep
            bp += ldb
        }

        SIMDMemory.store(c00, c); SIMDMemory.store(c01, c + 16)
        SIMDMemory.store(c10, c + ldc); SIMDMemory.store(c11, c + ldc + 16)
        SIMDMemory.store(c20, c + 2 * ldc); SIMDMemory.store(c21, c + 2 * ldc + 16)
        SIMDMemory.store(c30, c + 3 * ldc); SIMDMemory.store(c31, c + 3 * ldc + 16)
        SIMDMemory.store(c40, c + 4 * ldc); SIMDMemory.store(c41, c + 4 * ldc + 16)
        SIMDMemory.store(c50, c + 5 * ldc); SIMDMemory.store(c51, c + 5 * ldc + 16)
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
