import Foundation
import WhisperCore
import WhisperPlatform

/// `whisper-cli bench -m MODEL [-t N] [--runs N] [--tokens N]`: encoder time, decoder time per
/// token, and peak memory, as medians of several runs.
enum BenchCommand {
    static let help = """
        usage: whisper-cli bench -m MODEL [-t N] [--runs N] [--tokens N] [-f FILE]
               whisper-cli bench --matmul [-t N]
               whisper-cli bench --front-end -m MODEL -f FILE [-t N]

        Measures the engine on MODEL: the log-mel front end and the encoder on one 30 s window,
        the decoder's time per token (greedy, warm key/value cache) and per step of five sequences
        decoded together (a beam search's step, without its bookkeeping), and the peak resident memory.
        Figures are medians of --runs runs (default 5) after one warm-up run.

          -m, --model FNAME   model file
          -t, --threads N     threads (default: \(CommandLineOptions.defaultThreads))
          --runs N            measured runs (default: 5)
          --tokens N          tokens per decoder run (default: 64)
          -f, --file FNAME    audio for the window (default: a synthetic signal)
          --front-end         instead: the streaming front end of a transcription over all of FILE
                              (decode, resample, log-mel to a temporary file, read back), without
                              the network; its time and peak memory (scripts/bench-memory.sh)
        """

    static func run(_ arguments: [String]) -> Int32 {
        var model: String?
        var threads = CommandLineOptions.defaultThreads
        var runs = 5
        var tokens = 64
        var file: String?
        var frontEndOnly = false
        var matmulTable = false
        var i = 0
        func value() -> String? {
            i += 1
            return i < arguments.count ? arguments[i] : nil
        }
        while i < arguments.count {
            switch arguments[i] {
            case "-h", "--help":
                Console.output(help + "\n")
                return 0
            case "-m", "--model": model = value()
            case "-t", "--threads": threads = value().flatMap(Int.init) ?? 0
            case "--runs": runs = value().flatMap(Int.init) ?? 0
            case "--tokens": tokens = value().flatMap(Int.init) ?? 0
            case "-f", "--file": file = value()
            case "--matmul": matmulTable = true
            case "--front-end": frontEndOnly = true
            default:
                Console.error("bench: unknown option '\(arguments[i])' (see whisper-cli bench --help)")
                return 2
            }
            i += 1
        }
        if matmulTable {
            guard threads >= 1 else {
                Console.error("bench: -t must be at least 1")
                return 2
            }
            Console.output("matmul and kernel throughput, threads: \(threads) (best of repeated runs; wall and CPU time)\n")
            for result in MatmulBenchmark.standardReport(threads: [threads], minimumSeconds: 0.3) {
                Console.output("  \(result)\n")
            }
            return 0
        }
        guard let model, threads >= 1, runs >= 1, tokens >= 1 else {
            Console.error("bench: needs -m MODEL, and positive -t, --runs and --tokens (see whisper-cli bench --help)")
            return 2
        }
        if frontEndOnly {
            guard let file else {
                Console.error("bench --front-end: needs -f FILE (see whisper-cli bench --help)")
                return 2
            }
            return FrontEndBench.run(model: model, file: file, threads: threads)
        }
        do {
            let loadClock = Date()
            let whisper = try WhisperModel(path: model)
            let load = -loadClock.timeIntervalSinceNow
            let samples = try file.map { try AudioLoader.loadMono16k(path: $0) }
            // The multiply-add peak before and after the model's runs, the better one kept: a shared
            // machine's neighbour busy during one measurement halves it.
            let peakBefore = MachinePeaks.multiplyAddRate(threads: threads)
            let figures = try ModelBenchmark(model: whisper, threads: threads).run(runs: runs, tokensPerRun: tokens, samples: samples)
            let h = whisper.hyperparameters
            let name = (model as NSString).lastPathComponent
            func ms(_ s: Double) -> String { String(format: "%8.2f ms", s * 1000) }
            let peakMemory = ProcessMemory.peakResidentMiB()           // before the bandwidth buffer
            // The machine's limits, measured now with the same threads, and the engine against them.
            let dram = MachinePeaks.readBandwidth(threads: threads) ?? .nan
            let bandwidth = MachinePeaks.readBandwidth(threads: threads, bytes: figures.decoderStepBytes) ?? .nan
            let peak = max(peakBefore, MachinePeaks.multiplyAddRate(threads: threads))
            let encoderRate = MachinePeaks.encoderFlops(h) / ModelBenchmark.median(figures.encoderRuns)
            let bytes = Double(figures.decoderStepBytes)
            func streamed(_ seconds: Double) -> String {
                let rate = bytes / seconds
                return String(format: "%5.1f GB/s = %3.0f %% of the read rate", rate / 1e9, 100 * rate / bandwidth)
            }
            // Batched decoding's throughput: window-tokens per second against one window at a time.
            let windows = ModelBenchmark.batchWindows
            let greedyStep = ModelBenchmark.median(figures.batchedStepRuns), beamStep = ModelBenchmark.median(figures.batchedBeamStepRuns)
            let batched = """
                batch of \(windows)     \(ms(greedyStep))   median   (a token for each of \(windows) windows, each its own audio: \
                \(String(format: "%.2f", Double(windows) * ModelBenchmark.median(figures.decoderPerTokenRuns) / greedyStep))× the decoder's throughput one window at a time)
                  \(windows) × 5 beams    \(ms(beamStep))   median   (\(String(format: "%.2f", Double(windows) * ModelBenchmark.median(figures.beamStepRuns) / beamStep))× the 5-row step's throughput)
                """
            Console.output("""
                model: \(name) (\(h.size), \(h.fileTypeName)), threads: \(threads), runs: \(runs)
                  load           \(ms(load))
                  mel (30 s)     \(ms(ModelBenchmark.median(figures.melRuns)))   median
                  encoder        \(ms(ModelBenchmark.median(figures.encoderRuns)))   median   (min \(ms(figures.encoderRuns.min() ?? 0)))
                  cross K/V      \(ms(ModelBenchmark.median(figures.crossAttentionRuns)))   median   (and the decoder's weight copies)
                  decoder/token  \(ms(ModelBenchmark.median(figures.decoderPerTokenRuns)))   median   (min \(ms(figures.decoderPerTokenRuns.min() ?? 0)))
                  5-row step     \(ms(ModelBenchmark.median(figures.beamStepRuns)))   median   (five sequences at once, as a beam step)
                  \(batched)
                  peak RSS       \(String(format: "%8.1f MiB", peakMemory))
                  machine        read \(String(format: "%.1f GB/s", dram / 1e9)) from 512 MiB, \(String(format: "%.1f GB/s", bandwidth / 1e9)) from \(String(format: "%.1f MB", bytes / 1e6)) (the read rate below); multiply-add peak \(String(format: "%.1f GFLOP/s", peak / 1e9)) (\(threads) thread\(threads == 1 ? "" : "s"))
                  encoder        \(String(format: "%5.1f GFLOP/s = %3.0f %% of the peak", encoderRate / 1e9, 100 * encoderRate / peak))
                  decoder step   \(String(format: "%.1f MB", bytes / 1e6)) read per step: per token \(streamed(ModelBenchmark.median(figures.decoderPerTokenRuns))), 5-row \(streamed(ModelBenchmark.median(figures.beamStepRuns)))

                """)
            return 0
        } catch {
            Console.error("\(error)")
            return 1
        }
    }
}

/// The process's peak resident set size.
enum ProcessMemory {
    static func peakResidentMiB() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        #endif
        #if canImport(Darwin)
        return Double(usage.ru_maxrss) / (1024 * 1024)    // bytes on Darwin
        #else
        return Double(usage.ru_maxrss) / 1024             // KiB on Linux
        #endif
    }
}
