import Foundation

/// Float buffers for temporary work inside one call (the GEMM's packed weight slabs), kept for the
/// next call instead of being freed: a slab is up to 4 MB and the encoder and decoder make some
/// eighty of them per 30 s window. Freed and allocated again, each would come back as fresh pages
/// from the kernel (page faults, zeroing) now that large blocks are mapped, not taken from the heap
/// (see `MemoryBudget.configureAllocator`). At most `capacity` buffers are kept: one per
/// transcription running at once, in practice.
enum ScratchPool {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [(pointer: UnsafeMutablePointer<Float>, count: Int)] = []
    static let capacity = 8

    /// Calls `body` with a buffer of at least `floats` floats (contents unspecified).
    static func with<R>(floats: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let needed = max(1, floats)
        lock.lock()
        var buffer: (pointer: UnsafeMutablePointer<Float>, count: Int)
        if let index = free.firstIndex(where: { $0.count >= needed }) {
            buffer = free.remove(at: index)
            lock.unlock()
        } else {
            lock.unlock()
            buffer = (UnsafeMutablePointer<Float>.allocate(capacity: needed), needed)
        }
        defer {
            lock.lock()
            free.append(buffer)
            if free.count > capacity, let smallest = free.indices.min(by: { free[$0].count < free[$1].count }) {
                free.remove(at: smallest).pointer.deallocate()
            }
            lock.unlock()
        }
        return try body(buffer.pointer)
    }
}
