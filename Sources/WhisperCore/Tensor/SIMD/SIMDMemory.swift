/// Unaligned SIMD loads and stores of floats, and reductions, for the hot loops.
///
/// Model weights sit at arbitrary byte offsets of the mapped file, and activation rows at any float
/// offset, so every vector access is unaligned (as fast as an aligned one on current CPUs).
enum SIMDMemory {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Lanes `0 ..< count` (≤ 16) from `p`, the others `fill`.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, count: Int, fill: Float) -> SIMD16<Float> {
        if count >= 16 { return load(p) }
        var v = SIMD16<Float>(repeating: fill)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    /// Stores lanes `0 ..< count` (≤ 16) of `v` to `p`.
    @inline(__always)
    static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 16 { store(v, p); return }
        for i in 0..<count { p[i] = v[i] }
    }

    /// Sum of the 16 lanes, as a balanced tree (8 + 4 + 2 + 1 vector adds, not 15 serial ones).
    @inline(__always)
    static func sum(_ v: SIMD16<Float>) -> Float {
        let s8 = v.lowHalf + v.highHalf
        let s4 = s8.lowHalf + s8.highHalf
        let s2 = s4.lowHalf + s4.highHalf
        return s2[0] + s2[1]
    }

    /// Largest of the 16 lanes.
    @inline(__always)
    static func max(_ v: SIMD16<Float>) -> Float {
        var m = v[0]
        for i in 1..<16 where v[i] > m { m = v[i] }
        return m
    }
}
