/// Activation rows at or below this count use the streaming GEMV (the decoder's panels); above it,
/// the packed GEMM. f16 with AVX-512: up to 40 rows, a batched beam search's eight windows of five
/// beams, whose panels are read once per step and multiplied five rows at a time with the whole
/// panel in registers, where the GEMM converts every weight to f32 each step (measured there only;
/// elsewhere the earlier crossover, 16). Quantized weights cost more to decode once per four rows
/// than to pack.
@inline(__always)
package func gemvMaxRows(_ type: GGMLTensorType) -> Int { type.isQuantized ? 8 : KernelStrip.scalarCount == 32 ? 40 : 16 }

/// `out = x · Wᵀ + bias`: the linear layer of every Whisper block.
///
/// - `x`: `n` rows of `weight.columns` floats, row-major and contiguous.
/// - `weight`: `m = weight.rows` output features in any storage type, read in place (never copied
///   whole to f32).
/// - `bias`: `m` floats, or nil.
/// - `out`: `n` rows of `m` floats, row-major and contiguous; must not overlap `x`.
///
/// Accumulates in Float with Float activations. Results do not depend on `executor.threads`.
package func matmul(_ x: UnsafePointer<Float>, rows n: Int, weight: WeightMatrix, bias: UnsafePointer<Float>?,
                   into out: UnsafeMutablePointer<Float>, executor: ParallelExecutor) {
    guard n > 0, weight.rows > 0 else { return }
    if n <= gemvMaxRows(weight.type) {
        GEMV.multiply(x, rows: n, weight: weight, bias: bias, into: out, executor: executor)
    } else {
        GEMM.multiply(x, lda: weight.columns, rows: n, weight: weight, bias: bias, into: out, ldo: weight.rows,
                      executor: executor)
    }
}

/// `out = x · yᵀ + bias` for two float matrices: `x` is `n × k`, `y` is `m × k` (both row-major,
/// contiguous), `out` is `n × m`.
package func matmul(_ x: UnsafePointer<Float>, rows n: Int, transposed y: UnsafePointer<Float>, rows m: Int,
                   columns k: Int, bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>,
                   executor: ParallelExecutor) {
    let matrix = WeightMatrix(type: .f32, rows: m, columns: k, base: UnsafeRawPointer(y), owner: borrowedStorage)
    matmul(x, rows: n, weight: matrix, bias: bias, into: out, executor: executor)
}

/// Owner of matrices that borrow memory kept alive by the caller.
private final class BorrowedStorage: @unchecked Sendable {}
private let borrowedStorage = BorrowedStorage()
