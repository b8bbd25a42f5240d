import Dispatch
import Foundation

/// Runs independent pieces of work on up to `threads` threads.
///
/// Work is always split into the same pieces whatever the thread count, and each piece writes
/// only its own outputs, so results never depend on how many threads ran them. Pieces are handed
/// out one at a time to whichever thread is free (a busy machine may stall one thread; the others
/// then take over its share). Short loops go to a persistent `WorkerPool` where available (Dispatch
/// otherwise). With one thread the loop runs inline: the engine needs no threads at all (as on WASI).
public struct ParallelExecutor: Sendable {
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    public static let serial = ParallelExecutor(threads: 1)

    /// Calls `body(i)` for every `i` in `0..<count`, spread over the threads.
    @inline(__always)
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        if threads == 1 || count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        let workers = min(threads, count)
        if #available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *) {
            if WorkerPool.shared.run(count, helpers: workers - 1, body) { return }
        }
        let counter = WorkCounter(count: count)
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = counter.next() { body(i) }
            }
        }
    }

    /// Calls `loop.run(i)` for every `i` in `0..<count`, spread over the threads, without allocating:
    /// the loop value is handed to the pool by address. (A closure given to other threads must be
    /// boxed on the heap at every call; the decoder's per-token loops use this form instead.)
    @inline(__always)
    func forEach<Loop: ParallelLoop>(_ count: Int, _ loop: Loop) {
        if threads == 1 || count <= 1 {
            for i in 0..<count { loop.run(i) }
            return
        }
        if #available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *) {
            let ran = withUnsafePointer(to: loop) { pointer in
                WorkerPool.shared.run(count, helpers: min(threads, count) - 1, context: UnsafeRawPointer(pointer)) { context, i in
                    context.assumingMemoryBound(to: Loop.self).pointee.run(i)
                }
            }
            if ran { return }
        }
        forEach(count) { loop.run($0) }
    }

    /// Calls `body(i, workspace)` for every `i` in `0..<count`, where `workspace` is a buffer of
    /// `workspaceFloats` floats owned by the calling thread for the duration of the call (so pieces
    /// need not allocate). Its contents on entry are unspecified.
    public func forEach(_ count: Int, workspaceFloats: Int,
                        _ body: (Int, UnsafeMutablePointer<Float>) -> Void) {
        guard count > 0 else { return }
        let size = max(1, workspaceFloats)
        if threads == 1 || count == 1 {
            let workspace = UnsafeMutablePointer<Float>.allocate(capacity: size)
            defer { workspace.deallocate() }
            for i in 0..<count { body(i, workspace) }
            return
        }
        let workers = min(threads, count)
        let counter = WorkCounter(count: count)
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let workspace = UnsafeMutablePointer<Float>.allocate(capacity: size)
                defer { workspace.deallocate() }
                while let i = counter.next() { body(i, workspace) }
            }
        }
    }
}

/// The body of a parallel loop as a value: what the pieces read and write, and how to run piece `index`.
protocol ParallelLoop {
    func run(_ index: Int)
}

/// Hands out the indices 0..<count, each exactly once, to concurrent callers.
private final class WorkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int

    init(count: Int) { self.count = count }

    @inline(__always)
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }
}
