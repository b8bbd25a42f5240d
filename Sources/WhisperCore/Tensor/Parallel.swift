/// Runs independent pieces of work on up to `threads` threads.
///
/// Work is always split into the same pieces whatever the thread count, and each piece writes
/// only its own outputs, so results never depend on how many threads ran them. The threads come
/// from a `ParallelPool` that a platform layer supplies (WhisperPlatform's persistent worker
/// pool); without one, or with one thread, every loop runs inline: the engine itself needs no
/// threads at all (as on WASI).
public struct ParallelExecutor: Sendable {
    public let threads: Int
    /// Where the pieces run when `threads` > 1.
    public let pool: (any ParallelPool)?

    public init(threads: Int, pool: (any ParallelPool)?) {
        self.threads = pool == nil ? 1 : max(1, threads)
        self.pool = pool
    }

    public static let serial = ParallelExecutor(threads: 1, pool: nil)

    /// Calls `body(i)` for every `i` in `0..<count`, spread over the threads.
    @inline(__always)
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        guard threads > 1, count > 1, let pool else {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            withUnsafePointer(to: body) { pointer in
                pool.run(count, helpers: min(threads, count) - 1, context: UnsafeRawPointer(pointer)) { context, i in
                    context.assumingMemoryBound(to: ((Int) -> Void).self).pointee(i)
                }
            }
        }
    }

    /// Calls `loop.run(i)` for every `i` in `0..<count`, spread over the threads, without allocating:
    /// the loop value is handed to the pool by address. (A closure given to other threads must be
    /// boxed on the heap at every call; the decoder's per-token loops use this form instead.)
    @inline(__always)
    func forEach<Loop: ParallelLoop>(_ count: Int, _ loop: Loop) {
        guard threads > 1, count > 1, let pool else {
            for i in 0..<count { loop.run(i) }
            return
        }
        withUnsafePointer(to: loop) { pointer in
            pool.run(count, helpers: min(threads, count) - 1, context: UnsafeRawPointer(pointer)) { context, i in
                context.assumingMemoryBound(to: Loop.self).pointee.run(i)
            }
        }
    }

    /// Calls `body(i, workspace)` for every `i` in `0..<count`, where `workspace` is a buffer of
    /// `workspaceFloats` floats owned by the calling thread for the duration of the call (so pieces
    /// need not allocate). Its contents on entry are unspecified.
    public func forEach(_ count: Int, workspaceFloats: Int,
                        _ body: (Int, UnsafeMutablePointer<Float>) -> Void) {
        guard count > 0 else { return }
        let size = max(1, workspaceFloats)
        guard threads > 1, count > 1, let pool else {
            let workspace = UnsafeMutablePointer<Float>.allocate(capacity: size)
            defer { workspace.deallocate() }
            for i in 0..<count { body(i, workspace) }
            return
        }
        pool.run(count, workers: min(threads, count), workspaceFloats: size, body)
    }
}

/// Threads for `ParallelExecutor`, supplied by a platform layer.
public protocol ParallelPool: AnyObject, Sendable {
    /// Runs `invoke(context, i)` for every `i` in `0..<count` on the calling thread and up to
    /// `helpers` other threads; returns when every piece has completed.
    func run(_ count: Int, helpers: Int, context: UnsafeRawPointer, _ invoke: @escaping (UnsafeRawPointer, Int) -> Void)
    /// Runs `body(i, workspace)` for every `i` in `0..<count` on up to `workers` threads, each with
    /// its own workspace of `workspaceFloats` floats.
    func run(_ count: Int, workers: Int, workspaceFloats: Int, _ body: (Int, UnsafeMutablePointer<Float>) -> Void)
}

/// The body of a parallel loop as a value: what the pieces read and write, and how to run piece `index`.
protocol ParallelLoop {
    func run(_ index: Int)
}
