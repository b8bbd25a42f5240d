/// Float buffers for temporary work inside one call (the GEMM's packed weight slabs), kept for the
/// next call instead of being freed: a slab is up to 4 MB and the encoder and decoder make some
/// eighty of them per 30 s window. Freed and allocated again, each would come back as fresh pages
/// from the kernel (page faults, zeroing) now that large blocks are mapped, not taken from the heap
/// (see `MemoryBudget.configureAllocator`). At most `capacity` buffers are kept: one per
/// transcription running at once, in practice.
enum ScratchPool {
    nonisolated(unsafe) private static var free: [(pointer: UnsafeMutablePointer<Float>, count: Int)] = []
    static let capacity = 8

    /// Calls `body` with a buffer of at least `floats` floats (contents unspecified).
    static func with<R, E: Error>(floats: Int, _ body: (UnsafeMutablePointer<Float>) throws(E) -> R) throws(E) -> R {
        let needed = max(1, floats)
        let kept = Host.withSharedLock { free.firstIndex(where: { $0.count >= needed }).map { free.remove(at: $0) } }
        let buffer = kept ?? (UnsafeMutablePointer<Float>.allocate(capacity: needed), needed)
        defer {
            Host.withSharedLock {
                free.append(buffer)
                if free.count > capacity, let smallest = free.indices.min(by: { free[$0].count < free[$1].count }) {
                    free.remove(at: smallest).pointer.deallocate()
                }
            }
        }
        return try body(buffer.pointer)
    }
}
