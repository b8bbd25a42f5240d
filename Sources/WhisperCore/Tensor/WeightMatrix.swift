/// A read-only matrix of weights in GGML layout: `rows` rows of `columns` elements, each row stored
/// contiguously in `type` (so a row of a quantized matrix is `columns / 32` blocks).
///
/// For a linear layer `y = x Wᵀ + b`, `rows` is the number of output features and `columns` the
/// number of input features, exactly as whisper.cpp stores them (GGML's `ne0` is `columns`).
/// The bytes usually live in the memory-mapped model file; `owner` keeps them alive.
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLTensorType
    public let rows: Int
    public let columns: Int
    public let base: UnsafeRawPointer
    /// Keeps the storage behind `base` alive (the mapped model file or a heap buffer).
    public let owner: AnyObject

    public init(type: GGMLTensorType, rows: Int, columns: Int, base: UnsafeRawPointer, owner: AnyObject) {
        precondition(columns % type.blockSize == 0, "row length must be a whole number of blocks")
        self.type = type
        self.rows = rows
        self.columns = columns
        self.base = base
        self.owner = owner
    }

    /// Bytes in one row.
    @inline(__always) public var rowBytes: Int { columns / type.blockSize * type.bytesPerBlock }

    /// Start of row `r`.
    @inline(__always) public func row(_ r: Int) -> UnsafeRawPointer { base + r * rowBytes }
}
