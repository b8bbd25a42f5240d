/// Matrices that every decoding step reads in full, copied out of the memory-mapped model file into
/// one buffer of huge pages (see `MemoryBudget.allocateStreamedBytes`).
///
/// The file's pages are 4 KB; a tiny token streams 56 MB of decoder weights through them (the token
/// embedding alone is 40 MB, read for the logits). Copied, the decoder per token ran 1.67–1.74 →
/// 1.41–1.49 ms (alternating runs). Each 2 MB of a source is released from the mapping as soon as
/// it has been copied, so the process never holds both; the encoder's weights stay mapped. Between
/// windows the copies are dropped while the encoder runs and made again after (about 10 ms for
/// tiny), so that peak memory stays that of the larger phase, not their sum.
///
/// f16 matrices are copied as `HalfPanels` (the layout of the few-row products), the others byte
/// for byte; a copied matrix keeps its place in the file for anything else (see `matrix`).
final class StreamedMatrices: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    private let bytes: Int
    private let originals: [WeightMatrix]
    /// Where each matrix is copied (byte offsets into `base`).
    private let offsets: [Int]
    /// Whether the copies hold the weights (false after `release`).
    private(set) var isFilled = false

    /// Room for copies of `matrices`, filled by the first `fill` (at the decoder's first window, not
    /// at load: the encoder's peak comes first); nil when the memory cannot be had (the mapped
    /// matrices then serve).
    init?(_ matrices: [WeightMatrix]) {
        var offsets: [Int] = []
        var total = 0
        for m in matrices {
            offsets.append(total)
            total += (Self.copyBytes(m) + 63) / 64 * 64
        }
        guard let raw = try? MemoryBudget.allocateStreamedBytes(total, for: "the decoder's weights"),
              let start = raw.baseAddress else { return nil }
        base = start
        bytes = total
        originals = matrices
        self.offsets = offsets
    }

    deinit {
        MemoryBudget.deallocate(base)
    }

    private static func copyBytes(_ m: WeightMatrix) -> Int {
        m.type == .f16 ? HalfPanels.byteCount(rows: m.rows, columns: m.columns) : m.rows * m.rowBytes
    }

    private func panels(_ index: Int) -> HalfPanels? {
        let m = originals[index]
        guard m.type == .f16 else { return nil }
        return HalfPanels(base: (base + offsets[index]).assumingMemoryBound(to: UInt16.self), rows: m.rows, columns: m.columns)
    }

    /// Copies the weights in again if `release` dropped them.
    func fill() {
        guard !isFilled else { return }
        let step = MemoryBudget.hugePageBytes
        for (index, (m, offset)) in zip(originals, offsets).enumerated() {
            if let panels = panels(index) {
                panels.fill(from: m)
                continue
            }
            let count = m.rows * m.rowBytes
            var done = 0
            while done < count {
                let n = Swift.min(step, count - done)
                (base + offset + done).copyMemory(from: m.base + done, byteCount: n)
                m.releasePages(from: done, count: n)
                done += n
            }
        }
        isFilled = true
    }

    /// Gives the copies' memory back to the system; `fill` must run before they are read again.
    /// (The transcriber does this while the encoder runs, so that the two peaks do not add up.)
    func release() {
        releaseWholePages(UnsafeRawBufferPointer(start: base, count: bytes))
        isFilled = false
    }

    /// The copy of the `index`th matrix given to `init`: for f16, the original (still in the mapped file,
    /// read only by what is not a few-row product) using the panels; otherwise the copy itself.
    func matrix(_ index: Int) -> WeightMatrix {
        let original = originals[index]
        if let panels = panels(index) { return original.using(panels) }
        return WeightMatrix(type: original.type, rows: original.rows, columns: original.columns,
                            base: UnsafeRawPointer(base + offsets[index]), owner: self)
    }
}
