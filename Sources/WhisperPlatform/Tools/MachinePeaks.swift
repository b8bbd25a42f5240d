import Foundation
import WhisperCore

/// What this machine can do at best, for `bench` to set the engine's figures against: the rate at
/// which its threads can stream memory (the decoder's limit) and the rate at which they can
/// multiply and add (the encoder's). Each is the best of a few runs.
public enum MachinePeaks {
    /// Bytes per second `threads` threads read from a buffer of `bytes` bytes (in huge pages where
    /// the system gives them, as the decoder's weights are), read whole once before timing: the
    /// rate the memory hierarchy delivers for a working set of that size — from DRAM when it is far
    /// larger than the caches, from the last-level cache when it fits (some servers' L3 holds a
    /// small model's decoder). Each piece is a contiguous share, read as eight streams at once with
    /// vector loads summed into a few accumulators. Nil when the memory cannot be had.
    public static func readBandwidth(threads: Int, bytes: Int = 512 << 20, runs: Int = 5) -> Double? {
        let pieces = 64
        let quarterFloats = Swift.max(32, bytes / MemoryLayout<Float>.size / pieces / 4 / 32 * 32)
        let perPiece = 4 * quarterFloats
        let floats = pieces * perPiece
        guard let raw = try? MemoryBudget.allocateStreamedBytes(floats * MemoryLayout<Float>.size, for: "the bandwidth benchmark"),
              let start = raw.baseAddress else { return nil }
        defer { MemoryBudget.deallocate(start) }
        let buffer = start.bindMemory(to: Float.self, capacity: floats)
        buffer.initialize(repeating: 1, count: floats)        // touched: every page resident
        let executor = ParallelExecutor(threads: threads)
        var best = Double.infinity
        var sink: Float = 0
        for run in 0...runs {
            let sums = UnsafeMutablePointer<Float>.allocate(capacity: pieces)
            defer { sums.deallocate() }
            let clock = Date()
            // Eight streams at once in each piece: the prefetchers follow several, as they follow the
            // decoder's weights, activations and caches.
            executor.forEach(pieces) { piece in
                let stream = quarterFloats / 2 * MemoryLayout<Float>.size
                let p = UnsafeRawPointer(buffer + piece * perPiece)
                var s0 = SIMD16<Float>(), s1 = s0, s2 = s0, s3 = s0
                for i in stride(from: 0, to: stream, by: 64) {
                    s0 += p.loadUnaligned(fromByteOffset: i, as: SIMD16<Float>.self)
                        + p.loadUnaligned(fromByteOffset: stream + i, as: SIMD16<Float>.self)
                    s1 += p.loadUnaligned(fromByteOffset: 2 * stream + i, as: SIMD16<Float>.self)
                        + p.loadUnaligned(fromByteOffset: 3 * stream + i, as: SIMD16<Float>.self)
                    s2 += p.loadUnaligned(fromByteOffset: 4 * stream + i, as: SIMD16<Float>.self)
                        + p.loadUnaligned(fromByteOffset: 5 * stream + i, as: SIMD16<Float>.self)
                    s3 += p.loadUnaligned(fromByteOffset: 6 * stream + i, as: SIMD16<Float>.self)
                        + p.loadUnaligned(fromByteOffset: 7 * stream + i, as: SIMD16<Float>.self)
                }
                sums[piece] = (s0 + s1 + s2 + s3).sum()
            }
            if run > 0 { best = min(best, -clock.timeIntervalSinceNow) }   // run 0 warms the caches
            for i in 0..<pieces { sink += sums[i] }
        }
        if sink == 42 { print("") }                               // keeps the sums alive
        return Double(floats * MemoryLayout<Float>.size) / best
    }

    /// Floating-point operations per second of `threads` threads running register-only
    /// multiply-add chains (`ArithmeticPeak`), one per thread.
    public static func multiplyAddRate(threads: Int, runs: Int = 5) -> Double {
        let executor = ParallelExecutor(threads: threads)
        let iterations = 4_000_000
        var best = Double.infinity
        var sink: Float = 0
        for run in 0..<runs {
            let results = UnsafeMutablePointer<Float>.allocate(capacity: threads)
            defer { results.deallocate() }
            let clock = Date()
            executor.forEach(threads) { t in results[t] = ArithmeticPeak.run(iterations: iterations, seed: Float(run + t + 1)) }
            best = min(best, -clock.timeIntervalSinceNow)
            for t in 0..<threads { sink += results[t] }
        }
        if sink == 42 { print("") }
        return Double(threads) * Double(iterations) * Double(ArithmeticPeak.flopsPerIteration) / best
    }

    /// Floating-point operations of the encoder on one 30-second window: the two convolutions,
    /// each block's four projections, attention's two products and the MLP (norms, softmax and
    /// GELU left out: a few per cent).
    public static func encoderFlops(_ h: ModelHyperparameters) -> Double {
        let (d, n, mels) = (Double(h.nAudioState), Double(h.nAudioCtx), Double(h.nMels))
        let convolutions = 2 * 3 * mels * d * (2 * n) + 2 * 3 * d * d * n
        let block = 4 * (2 * n * d * d) + 2 * (2 * n * n * d) + 2 * (2 * n * d * 4 * d)
        return convolutions + Double(h.nAudioLayer) * block
    }
}
