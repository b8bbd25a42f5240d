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
    /// The same block-quantized weights re-laid out for the decoder's few-row products, where made
    /// (see `QuantizedPanels`).
    private(set) var quantizedPanels: QuantizedPanels?
    /// The same f16 weights in panels for the few-row products, where made (see `HalfPanels`); only
    /// readable while their owner (`StreamedMatrices`) is filled.
    private(set) var panels: HalfPanels?

    public init(type: GGMLTensorType, rows: Int, columns: Int, base: UnsafeRawPointer, owner: AnyObject) {
        precondition(columns % type.blockSize == 0, "row length must be a whole number of blocks")
        self.type = type
        self.rows = rows
        self.columns = columns
        self.base = base
        self.owner = owner
    }

    /// This matrix with its blocks also laid out as `QuantizedPanels` for the few-row products, for
    /// the block formats; otherwise (or when memory is short) this matrix unchanged.
    func withQuantizedPanels() -> WeightMatrix {
        guard quantizedPanels == nil, type.isQuantized, let panels = QuantizedPanels(self) else { return self }
        var copy = self
        copy.quantizedPanels = panels
        releasePages()          // the packed blocks now serve only the rarer many-row products
        return copy
    }

    /// This matrix with its products read from `panels`.
    func using(_ panels: HalfPanels) -> WeightMatrix {
        var copy = self
        copy.panels = panels
        return copy
    }

    /// Lets the system take back the memory pages of these weights until they are next read, when
    /// they live in a mapped model file (see `MappedFile.releasePages`); otherwise nothing.
    func releasePages() {
        releasePages(from: 0, count: rows * rowBytes)
    }

    /// `releasePages` for `count` bytes from byte `start` of the matrix.
    func releasePages(from start: Int, count: Int) {
        mappedFile?.releasePages(UnsafeRawBufferPointer(start: base + start, count: count))
    }

    /// The memory-mapped model file holding these weights, if they live in one.
    var mappedFile: MappedFile? {
        let file = (owner as? MappedFile) ?? (owner as? GGMLModelFile)?.file
        return file?.isMapped == true ? file : nil
    }

    /// Bytes in one row.
    @inline(__always) public var rowBytes: Int { columns / type.blockSize * type.bytesPerBlock }

    /// Start of row `r`.
    @inline(__always) public func row(_ r: Int) -> UnsafeRawPointer { base + r * rowBytes }
}
