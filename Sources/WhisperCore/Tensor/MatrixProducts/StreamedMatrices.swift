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
    /// The work of `fill`.
    private let pieces: [Piece]
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
        pieces = Self.pieces(matrices)
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

    /// Copies the weights in again if `release` dropped them, in pieces of about 2 MB spread over the
    /// executor's threads (each piece releases its source pages when done).
    func fill(executor: ParallelExecutor = .serial) {
        guard !isFilled else { return }
        executor.forEach(pieces.count) { fillPiece(pieces[$0]) }
        isFilled = true
    }

    /// A part of one matrix's copy: panels `start..<end` of an f16 matrix, bytes `start..<end` of another.
    private struct Piece {
        let matrix: Int
        let start: Int
        let end: Int
    }

    private static func pieces(_ matrices: [WeightMatrix]) -> [Piece] {
        var pieces: [Piece] = []
        for (index, m) in matrices.enumerated() {
            let (count, step) = m.type == .f16
                ? ((m.rows + HalfPanels.width - 1) / HalfPanels.width,
                   Swift.max(1, MemoryBudget.hugePageBytes / Swift.max(1, HalfPanels.width * m.rowBytes)))
                : (m.rows * m.rowBytes, MemoryBudget.hugePageBytes)
            for start in stride(from: 0, to: count, by: step) {
                pieces.append(Piece(matrix: index, start: start, end: Swift.min(count, start + step)))
            }
        }
        return pieces
    }

    private func fillPiece(_ piece: Piece) {
        let m = originals[piece.matrix]
        if let panels = panels(piece.matrix) {
            panels.fill(from: m, panels: piece.start..<piece.end)
        } else {
            (base + offsets[piece.matrix] + piece.start).copyMemory(from: m.base + piece.start, byteCount: piece.end - piece.start)
            m.releasePages(from: piece.start, count: piece.end - piece.start)
        }
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
