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
