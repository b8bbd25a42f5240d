import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The executor (and the worker pool behind it) must run every piece exactly once, whatever the
/// thread count, for loops in quick succession, nested loops and loops from several threads at once.
final class ParallelExecutorTests: XCTestCase {
    /// Runs `count` pieces and returns how many times each ran.
    private func hits(_ executor: ParallelExecutor, _ count: Int) -> [Int] {
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
        counts.initialize(repeating: 0, count: max(count, 1))
        defer { counts.deallocate() }
        executor.forEach(count) { i in counts[i] += 1 }          // each piece writes only its own slot
        return Array(UnsafeBufferPointer(start: counts, count: count))
    }

    func testEveryPieceRunsOnceForManyShortLoops() {
        for threads in [1, 2, 3, 8] {
            let executor = ParallelExecutor(threads: threads)
            for round in 0..<300 {
                let count = round % 70
                XCTAssertEqual(hits(executor, count), Array(repeating: 1, count: count), "threads \(threads), count \(count)")
            }
        }
    }

    func testNestedLoopsRunEveryPiece() {
        let executor = ParallelExecutor(threads: 2)
        let inner = 17, outer = 9
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: inner * outer)
        counts.initialize(repeating: 0, count: inner * outer)
        defer { counts.deallocate() }
        executor.forEach(outer) { i in
            executor.forEach(inner) { j in counts[i * inner + j] += 1 }
        }
        XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: inner * outer)), Array(repeating: 1, count: inner * outer))
    }

    func testLoopsFromSeveralThreadsAtOnce() {
        let executor = ParallelExecutor(threads: 2)
        let submitters = 4, count = 33
        let results = UnsafeMutablePointer<Int>.allocate(capacity: submitters)
        results.initialize(repeating: 0, count: submitters)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: submitters) { s in
            var good = 0
            for _ in 0..<100 where hits(executor, count) == Array(repeating: 1, count: count) { good += 1 }
            results[s] = good
        }
        XCTAssertEqual(Array(UnsafeBufferPointer(start: results, count: submitters)), Array(repeating: 100, count: submitters))
    }
}
