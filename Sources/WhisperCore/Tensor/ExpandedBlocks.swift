/// A 4- or 5-bit block-quantized matrix (q4_0, q4_1, q5_0, q5_1) re-laid out for the decoder's
/// matrix–vector products: per block of 32 weights, the 32 codes as whole bytes, then the scale
/// and the offset as floats (40 bytes instead of 18–24).
///
/// The decoder reads every weight once per token, and for these formats that is bound by the
/// arithmetic of unpacking nibbles and fifth bits (about 25 vector operations per block), not by
/// memory. Widened, a block takes 7: two byte-to-float conversions per 16 codes, two products and
/// one scaled accumulation. The values are exactly the stored ones (integer codes, f16 scales and
/// offsets widened without rounding), and the products are summed in the same order as from the
/// packed blocks, so results are bit-for-bit the same, only faster.
///
/// Cost: 1.25 bytes per weight next to the file's 0.56–0.75 (for tiny: 35 MB for the decoder's
/// layers and token embedding), still less than f16's 2.
final class ExpandedBlocks: @unchecked Sendable {
    /// Bytes of one expanded block.
    static let blockBytes = 40

    let rows: Int
    let columns: Int
    let base: UnsafeMutableRawPointer

    var rowBytes: Int { columns / 32 * Self.blockBytes }

    /// Expands `weight`; nil for other storage types or when the memory cannot be had (the packed
    /// blocks then serve, more slowly).
    init?(_ weight: WeightMatrix) {
        let expand: (UnsafeRawPointer, UnsafeMutableRawPointer) -> Void
        switch weight.type {
        case .q4_0: expand = Self.expand(Q4_0Decoder.self)
        case .q4_1: expand = Self.expand(Q4_1Decoder.self)
        case .q5_0: expand = Self.expand(Q5_0Decoder.self)
        case .q5_1: expand = Self.expand(Q5_1Decoder.self)
        default: return nil
        }
        rows = weight.rows
        columns = weight.columns
        let bytes = MemoryBudget.product([rows, columns / 32, Self.blockBytes])
        // The token embedding's expansion (25 MB for tiny) is read whole for every token's logits.
        guard let bytes, let raw = try? (bytes >= 4 * MemoryBudget.hugePageBytes
                                            ? MemoryBudget.allocateStreamedBytes(bytes, for: "expanded weights")
                                            : MemoryBudget.allocateBytes(bytes, alignment: 64, for: "expanded weights")),
              let start = raw.baseAddress else { return nil }
        base = start
        let blocks = columns / 32
        for r in 0..<rows {
            let source = weight.row(r), target = base + r * blocks * Self.blockBytes
            for b in 0..<blocks {
                expand(source + b * weight.type.bytesPerBlock, target + b * Self.blockBytes)
            }
        }
    }

    deinit {
        MemoryBudget.deallocate(base)
    }

    /// Writes one block's codes, scale and offset in the expanded layout.
    private static func expand<D: WeightRowDecoder>(_: D.Type) -> (UnsafeRawPointer, UnsafeMutableRawPointer) -> Void {
        { block, target in
            let (lo, hi) = D.codes(block, DecodingTables.shared)
            // A code c (an integer below 2⁸, held exactly as a float) plus 2²³ has c in its low mantissa bits.
            let low = unsafeBitCast(lo + 0x1p23, to: SIMD16<UInt32>.self)
            let high = unsafeBitCast(hi + 0x1p23, to: SIMD16<UInt32>.self)
            for i in 0..<16 {
                target.storeBytes(of: UInt8(truncatingIfNeeded: low[i]), toByteOffset: i, as: UInt8.self)
                target.storeBytes(of: UInt8(truncatingIfNeeded: high[i]), toByteOffset: 16 + i, as: UInt8.self)
            }
            target.storeBytes(of: D.scale(block), toByteOffset: 32, as: Float.self)
            target.storeBytes(of: D.offset(block), toByteOffset: 36, as: Float.self)
        }
    }
}

/// Rows of `ExpandedBlocks`: `scale · code + offset` per block.
enum ExpandedBlockDecoder: WeightRowDecoder {
    static var chunkBytes: Int { ExpandedBlocks.blockBytes }
    @inline(__always)
    static func codes(_ p: UnsafeRawPointer, _ tables: DecodingTables) -> (SIMD16<Float>, SIMD16<Float>) {
        (SIMDConversion.floats(p.loadUnaligned(as: SIMD16<UInt8>.self)),
         SIMDConversion.floats(p.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)))
    }
    @inline(__always) static func scale(_ p: UnsafeRawPointer) -> Float { p.loadUnaligned(fromByteOffset: 32, as: Float.self) }
    @inline(__always) static func offset(_ p: UnsafeRawPointer) -> Float { p.loadUnaligned(fromByteOffset: 36, as: Float.self) }
}
