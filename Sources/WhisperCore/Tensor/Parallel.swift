import Dispatch

/// Runs independent pieces of work on up to `threads` threads.
///
/// Work is always split into the same pieces whatever the thread count, and each piece writes
/// only its own outputs, so results never depend on how many threads ran them. With one thread
/// the loop runs inline: the engine needs no threads at all (as on WASI).
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
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                // Static striping: worker w takes items w, w + workers, ...
                var i = w
                while i < count {
                    body(i)
                    i += workers
                }
            }
        }
    }
}
