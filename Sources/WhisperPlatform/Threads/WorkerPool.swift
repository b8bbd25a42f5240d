import Foundation
import WhisperCore
import Synchronization

/// A set of persistent helper threads for short parallel regions.
///
/// The decoder runs about fifty parallel loops per token, each a few tens of microseconds long:
/// waking threads through Dispatch for each one costs as much as the work. Helpers here spin for a
/// while after each loop, watching one atomic word for the next, and only then park on a condition
/// variable; the submitting thread takes part in the loop itself.
///
/// One loop runs at a time. Its state is one 64-bit word — generation, helpers allowed, piece count
/// and next piece — so claiming a piece is a single compare-and-swap and a helper can never claim a
/// piece of a loop that has finished. The submitter returns once every piece has completed; helpers
/// that arrive late find nothing to claim and never touch the finished loop's closure.
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// Most pieces one loop may have, and most helpers (field widths in `ticket`).
    static let maximumPieces = (1 << 20) - 1
    static let maximumHelpers = 255

    // ticket = generation (16 bits) | helpers allowed (8) | piece count (20) | next piece (20).
    private let ticket = Atomic<UInt64>(0)
    /// Pieces of the current loop completed.
    private let completed = Atomic<Int>(0)
    /// True while a loop is running (a second submitter falls back to Dispatch).
    private let busy = Atomic<Bool>(false)
    /// Helpers parked (or about to park) on `wakeUp`.
    private let sleepers = Atomic<Int>(0)
    private let wakeUp = NSCondition()
    /// Guards helper creation.
    private let growLock = NSLock()
    private var helperCount = 0
    /// The current loop's body; written before the loop is published, read only after a claim.
    private let current = LoopBody()

    /// The body as a context pointer and a function of (context, piece). Kept in a class's stored
    /// properties: a closure stored in generic memory (an `UnsafeMutablePointer<(Int) -> Void>`)
    /// would be wrapped in a heap-allocated thunk at every store.
    private final class LoopBody: @unchecked Sendable {
        var context = UnsafeRawPointer(bitPattern: 1)!
        var invoke: (UnsafeRawPointer, Int) -> Void = { _, _ in }
    }

    private init() {}

    /// Runs `invoke(context, i)` for every `i` in `0..<count` on the calling thread and up to
    /// `helpers` pool threads. Returns false (having run nothing) when the pool is busy.
    /// `invoke` should capture nothing (it is then a plain function: no allocation).
    func run(_ count: Int, helpers: Int, context: UnsafeRawPointer,
             _ invoke: @escaping (UnsafeRawPointer, Int) -> Void) -> Bool {
        guard count <= Self.maximumPieces, helpers >= 1,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        let helpers = Swift.min(helpers, Self.maximumHelpers)
        ensureHelpers(helpers)
        current.context = context
        current.invoke = invoke
        completed.store(0, ordering: .relaxed)
        let generation = (ticket.load(ordering: .relaxed) >> 48) &+ 1
        let start = (generation & 0xFFFF) << 48 | UInt64(helpers) << 40 | UInt64(count) << 20
        ticket.store(start, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            wakeUp.lock()
            wakeUp.broadcast()
            wakeUp.unlock()
        }
        var done = 0
        while let i = claim(helper: nil) {
            invoke(context, i)
            done += 1
        }
        if done > 0 { completed.add(done, ordering: .relaxed) }
        // Wait for pieces helpers are still running.
        var spins = 0
        while completed.load(ordering: .acquiring) < count {
            spins += 1
            if spins % 1024 == 0 { Self.yieldProcessor() }
        }
        current.invoke = { _, _ in }
        return true
    }

    /// Claims the next piece of the current loop, if any (and, for a helper, if it may take part).
    @inline(__always)
    private func claim(helper: Int?) -> Int? {
        var t = ticket.load(ordering: .acquiring)
        while true {
            let next = Int(t & 0xFFFFF), count = Int((t >> 20) & 0xFFFFF)
            guard next < count else { return nil }
            if let helper, helper >= Int((t >> 40) & 0xFF) { return nil }
            let (exchanged, original) = ticket.compareExchange(expected: t, desired: t + 1, ordering: .acquiringAndReleasing)
            if exchanged { return next }
            t = original
        }
    }

    private func ensureHelpers(_ wanted: Int) {
        growLock.lock()
        defer { growLock.unlock() }
        while helperCount < wanted {
            let id = helperCount
            let thread = Thread { [unowned self] in self.helperLoop(id) }
            thread.name = "whisper-worker-\(id)"
            thread.start()
            helperCount += 1
        }
    }

    /// Spin iterations a helper watches for the next loop before parking (tens of microseconds).
    private static let spinLimit = 20_000

    private func helperLoop(_ id: Int) {
        while true {
            var spins = 0
            while spins < Self.spinLimit {
                if let i = claim(helper: id) {
                    runPiece(i)
                    spins = 0
                } else {
                    spins += 1
                }
            }
            // Park until a loop with a piece for this helper is published. `sleepers` is raised
            // before the ticket is checked again, and the submitter reads it after publishing, so
            // either this check sees the new loop or the submitter sees the sleeper and signals.
            wakeUp.lock()
            sleepers.add(1, ordering: .sequentiallyConsistent)
            while !hasWork(helper: id) { wakeUp.wait() }
            sleepers.subtract(1, ordering: .sequentiallyConsistent)
            wakeUp.unlock()
        }
    }

    private func hasWork(helper: Int) -> Bool {
        let t = ticket.load(ordering: .sequentiallyConsistent)
        return Int(t & 0xFFFFF) < Int((t >> 20) & 0xFFFFF) && helper < Int((t >> 40) & 0xFF)
    }

    @inline(__always)
    private func runPiece(_ i: Int) {
        current.invoke(current.context, i)
        completed.add(1, ordering: .releasing)
    }

    private static func yieldProcessor() {
        #if canImport(Glibc)
        sched_yield()
        #elseif canImport(Darwin)
        sched_yield()
        #else
        Thread.sleep(forTimeInterval: 0)
        #endif
    }
}
