import Dispatch
import WhisperCore
import Foundation

/// Measures the speed of the tensor kernels on random data: `matmul` by storage type and shape
/// (GFLOP/s, and the rate weights are read at), and the encoder's attention and convolutions.
/// For the `bench` tooling; tests never time anything.
public enum MatmulBenchmark {
    /// `rows × depth` activations times a `outputs × depth` weight matrix of `type`.
    public struct Case: Sendable, CustomStringConvertible {
        public let rows: Int
        public let depth: Int
        public let outputs: Int
        public let type: GGMLTensorType
        /// Weights in the decoder's panel layout (`HalfPanels`, `QuantizedPanels`) rather than as rows.
        public let panels: Bool

        public init(rows: Int, depth: Int, outputs: Int, type: GGMLTensorType, panels: Bool = false) {
            self.rows = rows
            self.depth = depth
            self.outputs = outputs
            self.type = type
            self.panels = panels && type != .f32
        }

        public var flops: Double { 2 * Double(rows) * Double(depth) * Double(outputs) }
        public var weightBytes: Int { outputs * (type.byteCount(elements: depth) ?? 0) }
        public var description: String { "\(type)\(panels ? " panels" : "") \(rows)×\(depth)·(\(outputs)×\(depth))ᵀ" }
    }

    public struct Result: Sendable, CustomStringConvertible {
        public let name: String
        public let threads: Int
        /// Best wall-clock time of one call, in seconds.
        public let seconds: Double
        /// Smallest CPU time (all threads) one call used, in seconds: on a busy machine this still
        /// shows the work done, where wall-clock times include waiting for a core.
        public let cpuSeconds: Double
        public let flops: Double
        /// Weight bytes read per call (0 where not meaningful).
        public let weightBytes: Int

        public var gflops: Double { flops / seconds / 1e9 }
        public var weightGigabytesPerSecond: Double { Double(weightBytes) / seconds / 1e9 }

        public var description: String {
            let time = seconds < 1e-3 ? "\(format(seconds * 1e6, 1)) µs" : "\(format(seconds * 1e3, 2)) ms"
            var line = "\(name)  threads \(threads): \(time), \(format(gflops, 1)) GFLOP/s"
            if weightBytes > 0 { line += ", weights \(format(weightGigabytesPerSecond, 1)) GB/s" }
            line += " (CPU \(format(flops / cpuSeconds / 1e9, 1)) GFLOP/s per busy core)"
            return line
        }
    }

    /// The encoder's and decoder's shapes for tiny (d = 384), for each type given.
    public static func whisperTinyCases(types: [GGMLTensorType] = [.f32, .f16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0]) -> [Case] {
        types.flatMap { type in
            [Case(rows: 1500, depth: 384, outputs: 384, type: type),
             Case(rows: 1500, depth: 384, outputs: 1536, type: type),
             Case(rows: 1500, depth: 1536, outputs: 384, type: type),
             Case(rows: 1, depth: 384, outputs: 1536, type: type),
             Case(rows: 1, depth: 1536, outputs: 384, type: type),
             Case(rows: 1, depth: 384, outputs: 51864, type: type),
             Case(rows: 5, depth: 384, outputs: 51864, type: type)]
            + (type == .f16 ? [Case(rows: 1, depth: 384, outputs: 1536, type: type, panels: true),
                               Case(rows: 1, depth: 1536, outputs: 384, type: type, panels: true)] : [])
            + (type != .f32 ? [Case(rows: 1, depth: 384, outputs: 51864, type: type, panels: true),
                               Case(rows: 5, depth: 384, outputs: 51864, type: type, panels: true)] : [])
        }
    }

    /// Times `matmul` for each case and thread count: repeated for at least `minimumSeconds`
    /// (and at least 3 calls), best call kept.
    public static func run(cases: [Case], threads: [Int] = [1, 2], minimumSeconds: Double = 0.5) -> [Result] {
        var results: [Result] = []
        var seed: UInt64 = 1
        for c in cases {
            let weights = RandomWeights(type: c.type, rows: c.outputs, columns: c.depth, seed: &seed)
            let x = randomFloats(c.rows * c.depth, seed: &seed)
            let bias = randomFloats(c.outputs, seed: &seed)
            let out = UnsafeMutablePointer<Float>.allocate(capacity: c.rows * c.outputs)
            defer { out.deallocate() }
            var matrix = weights.matrix
            let panelBytes = c.panels ? HalfPanels.byteCount(rows: c.outputs, columns: c.depth) : 0
            let panelStorage = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(panelBytes, 1), alignment: 64)
            defer { panelStorage.deallocate() }
            if c.panels && c.type.isQuantized {
                matrix = matrix.withQuantizedPanels()
            } else if c.panels {
                let panels = HalfPanels(base: panelStorage.assumingMemoryBound(to: UInt16.self), rows: c.outputs, columns: c.depth)
                panels.fill(from: matrix)
                matrix = matrix.using(panels)
            }
            for t in threads {
                let executor = ParallelExecutor(threads: t)
                let (seconds, cpu) = time(minimumSeconds) {
                    matmul(x, rows: c.rows, weight: matrix, bias: bias, into: out, executor: executor)
                }
                results.append(Result(name: c.description, threads: t, seconds: seconds, cpuSeconds: cpu, flops: c.flops,
                                      weightBytes: c.rows <= gemvMaxRows(c.type) ? c.weightBytes : 0))
            }
        }
        return results
    }

    /// Times the encoder's attention (`frames` queries and keys, `width` columns, `heads` heads) and
    /// its two convolutions (`mels` → `width` channels, stride 1, then stride 2) with f16 weights.
    public static func runEncoderKernels(frames: Int = 1500, width: Int = 384, heads: Int = 6, mels: Int = 80,
                                         threads: [Int] = [1, 2], minimumSeconds: Double = 0.5) -> [Result] {
        var results: [Result] = []
        var seed: UInt64 = 99
        let q = randomFloats(frames * width, seed: &seed)
        let k = randomFloats(frames * width, seed: &seed)
        let v = randomFloats(frames * width, seed: &seed)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: 2 * frames * width)
        defer { out.deallocate() }
        let melFrames = 2 * frames
        // As the encoder runs them: weights packed once, inputs between rows of zeros.
        let mel = [Float](repeating: 0, count: mels) + randomFloats(melFrames * mels, seed: &seed) + [Float](repeating: 0, count: mels)
        let conv1 = RandomWeights(type: .f16, rows: width, columns: 3 * mels, seed: &seed)
        let conv2 = RandomWeights(type: .f16, rows: width, columns: 3 * width, seed: &seed)
        guard let packed1 = try? ConvolutionWeights(conv1.matrix, inputChannels: mels),
              let packed2 = try? ConvolutionWeights(conv2.matrix, inputChannels: width) else { return [] }
        let convOut = UnsafeMutablePointer<Float>.allocate(capacity: (melFrames + 2) * width)
        defer { convOut.deallocate() }
        convOut.initialize(repeating: 0, count: (melFrames + 2) * width)
        let geluCount = frames * 4 * width
        let geluBuffer = UnsafeMutablePointer<Float>.allocate(capacity: geluCount)
        defer { geluBuffer.deallocate() }
        for i in 0..<geluCount { geluBuffer[i] = Float(i % 1000) * 0.01 - 5 }
        for t in threads {
            let executor = ParallelExecutor(threads: t)
            func measure(_ name: String, flops: Double, _ body: () -> Void) {
                let (seconds, cpu) = time(minimumSeconds, body)
                results.append(Result(name: name, threads: t, seconds: seconds, cpuSeconds: cpu, flops: flops, weightBytes: 0))
            }
            measure("attention \(frames)×\(frames), \(heads) heads of \(width / heads)",
                    flops: 4 * Double(frames) * Double(frames) * Double(width)) {
                attention(query: q, queryRows: frames, key: k, value: v, keyRows: frames, width: width,
                          heads: heads, causalOffset: nil, output: out, executor: executor)
            }
            measure("conv1d \(melFrames)×\(mels) → \(width), stride 1",
                    flops: 2 * Double(melFrames) * Double(3 * mels) * Double(width)) {
                conv1d(padded: mel, frames: melFrames, weights: packed1, bias: nil, stride: 1, output: convOut + width,
                       executor: executor)
            }
            measure("conv1d \(melFrames)×\(width) → \(width), stride 2",
                    flops: 2 * Double(frames) * Double(3 * width) * Double(width)) {
                conv1d(padded: convOut, frames: melFrames, weights: packed2, bias: nil, stride: 2, output: out,
                       executor: executor)
            }
            measure("gelu \(geluCount) values (counted as 20 flop each)", flops: 20 * Double(geluCount)) {
                gelu(geluBuffer, count: geluCount, executor: executor)
            }
        }
        return results
    }

    /// Times the decoder's attention shapes: one query against `crossKeys` keys (cross-attention)
    /// and against `selfKeys` cached tokens (causal self-attention).
    public static func runDecoderKernels(crossKeys: Int = 1500, selfKeys: Int = 224, width: Int = 384, heads: Int = 6,
                                         threads: [Int] = [1, 2], minimumSeconds: Double = 0.5) -> [Result] {
        var results: [Result] = []
        var seed: UInt64 = 7
        let k = randomFloats(crossKeys * width, seed: &seed)
        let v = randomFloats(crossKeys * width, seed: &seed)
        let q = randomFloats(width, seed: &seed)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: width)
        defer { out.deallocate() }
        for t in threads {
            let executor = ParallelExecutor(threads: t)
            for (name, keys, offset) in [("cross-attention", crossKeys, Int?.none), ("self-attention", selfKeys, selfKeys - 1)] {
                let (seconds, cpu) = time(minimumSeconds) {
                    attention(query: q, queryRows: 1, key: k, value: v, keyRows: keys, width: width, heads: heads,
                              causalOffset: offset, output: out, executor: executor)
                }
                results.append(Result(name: "\(name) 1 query × \(keys) keys, \(heads) heads", threads: t, seconds: seconds,
                                      cpuSeconds: cpu, flops: 4 * Double(keys) * Double(width), weightBytes: 0))
            }
        }
        return results
    }

    /// Everything above for tiny's shapes: matmul for each type, then the encoder's and decoder's
    /// other kernels. One line per result (`Result.description`).
    public static func standardReport(types: [GGMLTensorType] = [.f32, .f16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0],
                                      threads: [Int] = [1, 2], minimumSeconds: Double = 0.5) -> [Result] {
        run(cases: whisperTinyCases(types: types), threads: threads, minimumSeconds: minimumSeconds)
            + runEncoderKernels(threads: threads, minimumSeconds: minimumSeconds)
            + runDecoderKernels(threads: threads, minimumSeconds: minimumSeconds)
    }

    // MARK: helpers

    /// Best wall-clock and best CPU time of one call of `body`.
    private static func time(_ minimumSeconds: Double, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()                                                       // warm caches and the thread pool
        var best = Double.infinity
        var bestCPU = Double.infinity
        var total = 0.0
        var calls = 0
        while total < minimumSeconds || calls < 3 {
            let cpuStart = processCPUTime()
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            bestCPU = min(bestCPU, processCPUTime() - cpuStart)
            best = min(best, elapsed)
            total += elapsed
            calls += 1
        }
        return (best, bestCPU)
    }

    /// CPU time used by the whole process so far, in seconds.
    private static func processCPUTime() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }

    private static func randomFloats(_ count: Int, seed: inout UInt64) -> [Float] {
        (0..<count).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: seed) >> 40) / Float(1 << 23)
        }
    }

    /// A weight matrix of random values stored as `type`.
    private final class RandomWeights {
        let bytes: UnsafeMutableRawPointer
        var matrix: WeightMatrix { WeightMatrix(type: type, rows: rows, columns: columns, base: bytes, owner: self) }
        let type: GGMLTensorType
        let rows: Int
        let columns: Int

        init(type: GGMLTensorType, rows: Int, columns: Int, seed: inout UInt64) {
            self.type = type
            self.rows = rows
            self.columns = columns
            let rowBytes = type.byteCount(elements: columns) ?? 0
            bytes = UnsafeMutableRawPointer.allocate(byteCount: max(1, rows * rowBytes), alignment: 64)
            let values = MatmulBenchmark.randomFloats(columns, seed: &seed)
            for r in 0..<rows {
                // Rows differ by a cheap shift of one random row (generating 20M random floats is slow).
                let shifted = (0..<columns).map { values[($0 + r) % columns] * Float(1 + r % 7) }
                try? Quantization.quantize(shifted, count: columns, as: type, into: bytes + r * rowBytes)
            }
        }

        deinit { bytes.deallocate() }
    }
}

private func format(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return decimals == 0 ? String(Int(rounded)) : String(rounded)
}
