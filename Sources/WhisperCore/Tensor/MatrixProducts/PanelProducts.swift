/// Matrices laid out in panels of 64 output features (weight rows) for the decoder's few-row
/// products: `HalfPanels` (f16) and `QuantizedPanels` (block formats). A panel times one activation
/// row is four vectors of 16 outputs; every output is summed over the input features in order, in
/// one lane, so results depend neither on the batch nor on the thread count.
protocol OutputPanels {
    var rows: Int { get }
    var columns: Int { get }
    /// Bytes of panel storage per output feature (pieces of work are sized by it).
    var bytesPerRow: Int { get }
    /// Panel `j` times the activation row `x`.
    func timesRow(_ j: Int, _ x: UnsafePointer<Float>) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)
    /// Panel `j` times the five activation rows `x + r·columns`, each output summed as in `timesRow`,
    /// written over `sums` (in place: a returned 1.25 KB value was copied with `memmove` per panel).
    func timesFiveRows(_ j: Int, _ x: UnsafePointer<Float>, into sums: inout FiveRowSums)
}

extension OutputPanels {
    static var width: Int { 64 }
    var panelCount: Int { (rows + Self.width - 1) / Self.width }
}

/// The sums of a five-row panel product: for each of five activation rows, its 64 outputs, read and
/// written in place through `withUnsafeMutableFloats` (row `r`'s outputs at floats `64r ..< 64r + 64`;
/// reading the tuple by value, e.g. through `withUnsafeBytes(of:)`, copied all 1.25 KB each time).
struct FiveRowSums {
    private var v: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                    SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                    SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                    SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)

    /// All zeros.
    @inline(__always)
    init() {
        let z = SIMD16<Float>()
        v = (z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z)
    }

    /// The 320 sums as floats, row after row.
    @inline(__always)
    mutating func withUnsafeMutableFloats<R>(_ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        withUnsafeMutableBytes(of: &v) { body($0.baseAddress!.assumingMemoryBound(to: Float.self)) }
    }
}

/// `out = x · Wᵀ + bias` for a few activation rows over `OutputPanels`, the pieces of work being
/// runs of whole panels.
enum PanelProducts {
    static func multiply<P: OutputPanels>(_ x: UnsafePointer<Float>, rows n: Int, _ panels: P, bias: UnsafePointer<Float>?,
                                          into out: UnsafeMutablePointer<Float>, executor: ParallelExecutor) {
        let loop = Pieces(x: x, n: n, Product(panels, bias, out, threads: executor.threads))
        executor.forEach(loop.pieces, loop)
    }

    /// Three products of the same activations (a block's query, key and value) in one parallel loop.
    static func multiply<P: OutputPanels>(_ x: UnsafePointer<Float>, rows n: Int,
                                          _ a: (P, [Float]?, UnsafeMutablePointer<Float>),
                                          _ b: (P, [Float]?, UnsafeMutablePointer<Float>),
                                          _ c: (P, [Float]?, UnsafeMutablePointer<Float>), executor: ParallelExecutor) {
        withBiases(a.1, b.1, c.1) { ba, bb, bc in
            let t = executor.threads
            let loop = Pieces(x: x, n: n, Product(a.0, ba, a.2, threads: t), Product(b.0, bb, b.2, threads: t),
                              Product(c.0, bc, c.2, threads: t))
            executor.forEach(loop.pieces, loop)
        }
    }

    /// One product: its panels cut into pieces of whole panels.
    private struct Product<P: OutputPanels> {
        let panels: P
        let bias: UnsafePointer<Float>?
        let out: UnsafeMutablePointer<Float>
        let panelsPerPiece: Int
        var pieces: Int { (panels.panelCount + panelsPerPiece - 1) / panelsPerPiece }

        init(_ panels: P, _ bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>, threads: Int) {
            (self.panels, self.bias, self.out) = (panels, bias, out)
            // As `GEMV.rowsPerPiece`, in whole panels: two pieces per thread, none over about 640 KB.
            let balanced = panels.panelCount / (2 * threads)
            let bounded = 640 * 1024 / Swift.max(1, P.width * panels.bytesPerRow)
            panelsPerPiece = Swift.max(1, Swift.min(balanced, bounded))
        }
    }

    /// Up to three products in one parallel loop (pieces numbered one product after another).
    private struct Pieces<P: OutputPanels>: ParallelLoop {
        let x: UnsafePointer<Float>, n: Int
        let a: Product<P>, b: Product<P>?, c: Product<P>?
        let pieces: Int

        init(x: UnsafePointer<Float>, n: Int, _ a: Product<P>, _ b: Product<P>? = nil, _ c: Product<P>? = nil) {
            (self.x, self.n, self.a, self.b, self.c) = (x, n, a, b, c)
            pieces = a.pieces + (b?.pieces ?? 0) + (c?.pieces ?? 0)
        }

        @inline(__always)
        func run(_ piece: Int) {
            var local = piece
            var product = a
            if local >= a.pieces, let b {
                local -= a.pieces
                product = b
                if local >= b.pieces, let c { local -= b.pieces; product = c }
            }
            let first = local * product.panelsPerPiece
            let end = Swift.min(product.panels.panelCount, first + product.panelsPerPiece)
            for j in first..<end { multiplyPanel(j, product) }
        }

        /// All activation rows times panel `j`: five rows at a time, then one at a time.
        @inline(__always)
        private func multiplyPanel(_ j: Int, _ p: Product<P>) {
            let k = p.panels.columns, m = p.panels.rows
            let firstOutput = j * P.width
            let valid = Swift.min(P.width, m - firstOutput)
            var i = 0
            var s = FiveRowSums()
            while n - i >= 5 {
                p.panels.timesFiveRows(j, x + i * k, into: &s)
                s.withUnsafeMutableFloats { t in
                    for r in 0..<5 {
                        let row = UnsafePointer(t + 64 * r)
                        store(SIMDMemory.load(row), SIMDMemory.load(row + 16), SIMDMemory.load(row + 32),
                              SIMDMemory.load(row + 48), p, row: i + r, firstOutput, valid)
                    }
                }
                i += 5
            }
            while i < n {
                let s = p.panels.timesRow(j, x + i * k)
                store(s.0, s.1, s.2, s.3, p, row: i, firstOutput, valid)
                i += 1
            }
        }

        @inline(__always)
        private func store(_ s0: SIMD16<Float>, _ s1: SIMD16<Float>, _ s2: SIMD16<Float>, _ s3: SIMD16<Float>,
                           _ p: Product<P>, row: Int, _ firstOutput: Int, _ valid: Int) {
            let out = p.out + row * p.panels.rows + firstOutput
            let bias = p.bias.map { $0 + firstOutput }
            if valid == P.width {
                if let bias {
                    SIMDMemory.store(s0 + SIMDMemory.load(bias), out); SIMDMemory.store(s1 + SIMDMemory.load(bias + 16), out + 16)
                    SIMDMemory.store(s2 + SIMDMemory.load(bias + 32), out + 32); SIMDMemory.store(s3 + SIMDMemory.load(bias + 48), out + 48)
                } else {
                    SIMDMemory.store(s0, out); SIMDMemory.store(s1, out + 16)
                    SIMDMemory.store(s2, out + 32); SIMDMemory.store(s3, out + 48)
                }
                return
            }
            // The last, partial panel.
            for q in 0..<4 where 16 * q < valid {
                let s = q == 0 ? s0 : q == 1 ? s1 : q == 2 ? s2 : s3
                let count = Swift.min(16, valid - 16 * q)
                let b = bias.map { SIMDMemory.load($0 + 16 * q, count: count, fill: 0) } ?? SIMD16()
                SIMDMemory.store(s + b, out + 16 * q, count: count)
            }
        }
    }

    /// Calls `body` with pointers to the three optional biases.
    @inline(__always)
    private static func withBiases<R>(_ a: [Float]?, _ b: [Float]?, _ c: [Float]?,
                                      _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?) -> R) -> R {
        func with<T>(_ v: [Float]?, _ f: (UnsafePointer<Float>?) -> T) -> T {
            guard let v else { return f(nil) }
            return v.withUnsafeBufferPointer { f($0.baseAddress) }
        }
        return with(a) { pa in with(b) { pb in with(c) { pc in body(pa, pb, pc) } } }
    }
}
