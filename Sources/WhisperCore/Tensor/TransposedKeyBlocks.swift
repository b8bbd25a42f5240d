/// The layout of the decoder's cross-attention keys: half-precision values in blocks of 16 key
/// positions, each block stored transposed (`[block][column][16 positions]`; the last block padded
/// with zeros).
///
/// A query's dot products with 16 keys then need no sums across vector lanes: for each column of a
/// head, one broadcast of the query value times one contiguous vector of 16 keys. Row-major keys
/// give each key's products in a vector that must be reduced on its own, which made the scores the
/// slower half of cross-attention. Heads are contiguous column ranges, so head `h` of a block
/// starts at column `h · headWidth`.
enum TransposedKeyBlocks {
    /// Key positions per block.
    static let positions = 16

    /// Half-precision values needed for `rows` keys of `width` columns (whole blocks).
    static func halfCount(rows: Int, width: Int) -> Int {
        (rows + positions - 1) / positions * positions * width
    }

    /// Rounds `rows` row-major keys (`[rows][width]` floats) to half precision, into the layout.
    static func store(_ keys: UnsafePointer<Float>, rows: Int, width: Int, into blocks: UnsafeMutablePointer<UInt16>) {
        for first in stride(from: 0, to: rows, by: positions) {
            let count = Swift.min(positions, rows - first)
            let block = blocks + first * width
            for column in 0..<width {
                var v = SIMD16<Float>()
                for l in 0..<count { v[l] = keys[(first + l) * width + column] }
                UnsafeMutableRawPointer(block + column * positions).storeBytes(of: HalfPrecision.bits(from: v),
                                                                            as: SIMD16<UInt16>.self)
            }
        }
    }

    /// The keys back as row-major floats (`[rows][width]`), exactly the half-precision values.
    static func widen(_ blocks: UnsafeRawPointer, rows: Int, width: Int, into keys: UnsafeMutablePointer<Float>) {
        for first in stride(from: 0, to: rows, by: positions) {
            let count = Swift.min(positions, rows - first)
            let block = blocks + 2 * first * width
            for column in 0..<width {
                let v = HalfPrecision.loadFloats(block + 2 * column * positions)
                for l in 0..<count { keys[(first + l) * width + column] = v[l] }
            }
        }
    }

    /// Lane `l`: Σ_c query[c] · key_l[c] over one head's `headWidth` columns, where `head` points at
    /// the head's first column in a block. Four accumulators keep the multiply-adds independent.
    /// (Out of line: inlined into the loops around it, LLVM split its vectors into scalars.)
    @inline(never)
    static func scores(query: UnsafePointer<Float>, head: UnsafeRawPointer, headWidth: Int) -> SIMD16<Float> {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        let stride = 2 * positions
        var c = 0
        while c + 4 <= headWidth {
            let column = head + c * stride
            a0 = a0.addingProduct(SIMD16(repeating: query[c]), HalfPrecision.loadFloats(column))
            a1 = a1.addingProduct(SIMD16(repeating: query[c + 1]), HalfPrecision.loadFloats(column + stride))
            a2 = a2.addingProduct(SIMD16(repeating: query[c + 2]), HalfPrecision.loadFloats(column + 2 * stride))
            a3 = a3.addingProduct(SIMD16(repeating: query[c + 3]), HalfPrecision.loadFloats(column + 3 * stride))
            c += 4
        }
        while c < headWidth {
            a0 = a0.addingProduct(SIMD16(repeating: query[c]), HalfPrecision.loadFloats(head + c * stride))
            c += 1
        }
        return (a0 + a1) + (a2 + a3)
    }
}
