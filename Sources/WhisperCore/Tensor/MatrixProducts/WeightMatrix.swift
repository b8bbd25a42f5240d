/// A read-only matrix of weights in GGML layout: `rows` rows of `columns` elements, each row stored
/// contiguously in `type` (so a row of a quantized matrix is `columns / 32` blocks).
///
/// For a linear layer `y = x Wᵀ + b`, `rows` is the number of output features and `columns` the
/// number of input features, exactly as whisper.cpp stores them (GGML's `ne0` is `columns`).
/// The bytes usually live in the memory-mapped model file; `owner` keeps them alive.
package struct WeightMatrix: @unchecked Sendable {
    package let type: GGMLTensorType
    package let rows: Int
    package let columns: Int
    package let base: UnsafeRawPointer
    /// Keeps the storage behind `base` alive (the mapped model file or a heap buffer).
    package let owner: AnyObject
    /// The model file's bytes when the matrix lies in them: their pages can then be given back
    /// between uses (`releasePages`) when the file is mapped.
    package let file: (any ModelBytes)?
    /// The same block-quantized weights re-laid out for the decoder's few-row products, where made
    /// (see `QuantizedPanels`).
    private(set) var quantizedPanels: QuantizedPanels?
    /// The same f16 weights in panels for the few-row products, where made (see `HalfPanels`): a copy
    /// readable only while its owner (`StreamedMatrices`) is filled, or — for a model held in memory —
    /// the matrix's own bytes rearranged (`GGMLModelFile.halfPanelsInPlace`), when `base` no longer
    /// holds rows.
    private(set) var panels: HalfPanels?

    package init(type: GGMLTensorType, rows: Int, columns: Int, base: UnsafeRawPointer, owner: AnyObject,
                file: (any ModelBytes)? = nil) {
        precondition(columns % type.blockSize == 0, "row length must be a whole number of blocks")
        self.type = type
        self.rows = rows
        self.columns = columns
        self.base = base
        self.owner = owner
        self.file = file
    }

    /// This matrix with its blocks also laid out as `QuantizedPanels` for the few-row products, for
    /// the block formats; otherwise (or when memory is short) this matrix unchanged.
    package func withQuantizedPanels() -> WeightMatrix {
        guard quantizedPanels == nil, type.isQuantized, let panels = QuantizedPanels(self) else { return self }
        var copy = self
        copy.quantizedPanels = panels
        releasePages()          // the packed blocks now serve only the rarer many-row products
        return copy
    }

    /// This matrix with its products read from `panels`.
    package func using(_ panels: HalfPanels) -> WeightMatrix {
        var copy = self
        copy.panels = panels
        return copy
    }

    /// Lets the system take back the memory pages of these weights until they are next read, when
    /// they live in a mapped model file (see `ModelBytes.releasePages`); otherwise nothing.
    func releasePages() {
        releasePages(from: 0, count: rows * rowBytes)
    }

    /// `releasePages` for `count` bytes from byte `start` of the matrix.
    func releasePages(from start: Int, count: Int) {
        mappedFile?.releasePages(UnsafeRawBufferPointer(start: base + start, count: count))
    }

    /// The memory-mapped model file holding these weights, if they live in one.
    var mappedFile: (any ModelBytes)? {
        guard let file, file.isMapped else { return nil }
        return file
    }

    /// Bytes the few-row products read for the whole matrix, in the layout they read it from.
    package var productBytes: Int {
        if let q = quantizedPanels { return q.panelCount * QuantizedPanels.width * q.bytesPerRow }
        if panels != nil { return HalfPanels.byteCount(rows: rows, columns: columns) }
        return rows * rowBytes
    }

    /// Bytes in one row.
    @inline(__always) package var rowBytes: Int { columns / type.blockSize * type.bytesPerBlock }

    /// Start of row `r`.
    @inline(__always) package func row(_ r: Int) -> UnsafeRawPointer { base + r * rowBytes }
}
