import Dispatch
import Foundation
import WhisperCore

/// The `ParallelPool` of this platform: loops go to the persistent `WorkerPool` where available,
/// to Dispatch otherwise (and when the pool is busy with another caller's loop).
public final class ThreadPool: ParallelPool, @unchecked Sendable {
    public static let shared = ThreadPool()

    private init() {}

    public func run(_ count: Int, helpers: Int, context: UnsafeRawPointer,
                    _ invoke: @escaping (UnsafeRawPointer, Int) -> Void) {
        if #available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *) {
            if WorkerPool.shared.run(count, helpers: helpers, context: context, invoke) { return }
        }
        let counter = WorkCounter(count: count)
        DispatchQueue.concurrentPerform(iterations: helpers + 1) { _ in
            while let i = counter.next() { invoke(context, i) }
        }
    }

    public func run(_ count: Int, workers: Int, workspaceFloats: Int,
                    _ body: (Int, UnsafeMutablePointer<Float>) -> Void) {
        let counter = WorkCounter(count: count)
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let workspace = UnsafeMutablePointer<Float>.allocate(capacity: workspaceFloats)
                defer { workspace.deallocate() }
                while let i = counter.next() { body(i, workspace) }
            }
        }
    }
}

extension ParallelExecutor {
    /// An executor of `threads` threads from this platform's pool (inline with one thread).
    public init(threads: Int) {
        PlatformHost.install()
        self.init(threads: threads, pool: threads > 1 ? ThreadPool.shared : nil)
    }
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
