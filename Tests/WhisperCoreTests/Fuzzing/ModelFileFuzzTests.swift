import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Fuzzes the GGML model loader: thousands of structure-aware mutations of valid model files, each
/// parsed from memory (some through a file, which maps it), and — when the file still loads — its
/// weights built, their views checked to lie inside the file, and its tokenizer built; a few loadable
/// mutants are run through a whole transcription. Every case must end in success or a typed error
/// naming the file: no trap, no hang, no allocation beyond a bound derived from the file's size.
///
/// The fixed-seed run here is part of the suite; `make fuzz` runs many more cases with a fresh
/// seed (`FUZZ_CASES`, `FUZZ_SEED`; `FUZZ_CASE=N` replays one case and prints its mutation).
final class ModelFileFuzzTests: XCTestCase {
    // Memory limits, files and the clock come from the platform host (installed by its entry points,
    // but these tests may run before any of them).
    override func setUp() { PlatformHost.install() }

    static let fileName = "fuzzed-model.bin"

    func testMutatedModelFilesLoadOrFailWithATypedError() throws {
        #if DEBUG
        let defaultCases = 1_500
        #else
        let defaultCases = 6_000
        #endif
        let configuration = FuzzRunner.Configuration.fromEnvironment(
            parser: "GGML model loader", defaultCases: defaultCases, defaultSeed: 0x6767_6d6c)

        // Bases: small crafted models (English-only f16; multilingual, 128 mels, 2-D conv biases),
        // and, where ../shared is present, real-layout files (quantized, v3) for a share of the cases.
        var bases = [GGMLMutator(base: ModelFileBuilder.tiny(audioCtx: 64).bytes()),
                     GGMLMutator(base: ModelFileBuilder.tiny(nVocab: 51865, state: 8, nMels: 128, audioCtx: 32,
                                                             textCtx: 16, seed: 7).bytes())]
        var realBases: [GGMLMutator] = []
        if SharedData.isAvailable {
            for name in ["nano-synthetic-q4_0.bin", "nano-v3-synthetic-f16.bin", "nano-synthetic-q5_1.bin"] {
                if let data = FileManager.default.contents(atPath: try SharedData.model(name)) {
                    realBases.append(GGMLMutator(base: [UInt8](data)))
                }
            }
        }
        bases.append(contentsOf: realBases)
        let scratch = try TemporaryFiles.directory().appendingPathComponent(Self.fileName).path
        var deepRuns = 0
        // Whole transcriptions of loadable mutants: ~50 ms each in release, seconds in a debug build.
        let maxDeepRuns = FuzzRunner.isDebugBuild ? 1 : configuration.cases / 150

        let runner = FuzzRunner(configuration)
        runner.run(makeCase: { rng in
            // One case in ten on a real-layout file (they are slower: 51 864 vocabulary entries).
            let useReal = !realBases.isEmpty && rng.chance(0.1)
            let mutator = useReal ? realBases.randomElement(using: &rng)! : bases[Int.random(in: 0..<2, using: &rng)]
            return mutator.mutate(using: &rng)
        }, runCase: { bytes, rng, report in
            do {
                let file: MappedFile
                if rng.chance(0.1) {
                    // Through the file system: the mapped path.
                    try Data(bytes).write(to: URL(fileURLWithPath: scratch))
                    file = try MappedFile(path: scratch)
                } else {
                    file = try bytes.withUnsafeBytes { try MappedFile(copying: $0, path: scratch) }
                }
                let model = try GGMLModelFile(file: file)
                for tensor in model.tensors.values where tensor.offset < 0 || tensor.byteCount < 0
                    || tensor.offset + tensor.byteCount > file.bytes.count {
                    report("tensor outside the file", "\(tensor.name) at \(tensor.offset) + \(tensor.byteCount) of \(file.bytes.count)")
                }
                let weights = try WhisperWeights(file: model)
                Self.checkViews(of: weights, in: file, hyperparameters: model.hyperparameters, report: report)
                let tokenizer = try Tokenizer(modelFile: model)
                let text = tokenizer.decode(tokenizer.encode(" fuzzing, 123"))
                if text.isEmpty { report("tokenizer", "round trip of ' fuzzing, 123' gave nothing") }
                if deepRuns < maxDeepRuns, bytes.count < 2_000_000, rng.chance(0.05) {
                    deepRuns += 1
                    try Self.transcribeNoise(with: WhisperModel(file: model), rng: &rng, report: report)
                    return .accepted("loaded, transcribed 1 s of noise")
                }
                return .accepted("loaded: weights and tokenizer built")
            } catch {
                return .refused(error, file: Self.fileName)
            }
        }, expectedErrorTypes: [ModelLoadError.self, AllocationError.self, ModelOutputError.self])

        print(runner.report)
        print("  transcriptions of loadable mutants: \(deepRuns)")
        XCTAssertEqual(runner.casesRun, configuration.onlyCase == nil ? configuration.cases : 1)
        XCTAssertTrue(runner.findings.isEmpty, "\(runner.findings.count) findings:\n"
                      + runner.findings.prefix(20).map(\.description).joined(separator: "\n"))
        XCTAssertLessThan(runner.slowestCase.seconds, configuration.slowLimit)
    }

    /// Every weight matrix must lie inside the file's bytes, with the shape the header implies.
    static func checkViews(of weights: WhisperWeights, in file: MappedFile, hyperparameters h: ModelHyperparameters,
                           report: (String, String) -> Void) {
        guard let start = file.bytes.baseAddress else { return report("weights", "an empty file built weights") }
        let end = start + file.bytes.count
        func check(_ m: WeightMatrix, _ what: String) {
            if m.base < start || m.base + m.rows * m.rowBytes > end {
                report("weight view outside the file", "\(what): \(m.rows)×\(m.columns) \(m.type)")
            }
        }
        let d = h.nAudioState
        check(weights.encoder.conv1.weight, "encoder.conv1")
        check(weights.encoder.conv2.weight, "encoder.conv2")
        check(weights.decoder.tokenEmbedding, "decoder.token_embedding")
        if weights.decoder.tokenEmbedding.rows != h.nVocab || weights.decoder.tokenEmbedding.columns != d {
            report("weights", "token embedding is \(weights.decoder.tokenEmbedding.rows)×\(weights.decoder.tokenEmbedding.columns)")
        }
        if weights.encoder.positionalEmbedding.count != h.nAudioCtx * d
            || weights.decoder.positionalEmbedding.count != h.nTextCtx * d {
            report("weights", "positional embeddings of \(weights.encoder.positionalEmbedding.count) and \(weights.decoder.positionalEmbedding.count) values")
        }
        for (i, block) in weights.encoder.blocks.enumerated() {
            for (name, l) in [("query", block.attention.query), ("key", block.attention.key), ("value", block.attention.value),
                              ("out", block.attention.out), ("mlp.0", block.mlpUp), ("mlp.2", block.mlpDown)] {
                check(l.weight, "encoder.blocks.\(i).\(name)")
            }
        }
        for (i, block) in weights.decoder.blocks.enumerated() {
            for (name, l) in [("attn.query", block.selfAttention.query), ("attn.out", block.selfAttention.out),
                              ("cross_attn.key", block.crossAttention.key), ("cross_attn.value", block.crossAttention.value),
                              ("mlp.0", block.mlpUp), ("mlp.2", block.mlpDown)] {
                check(l.weight, "decoder.blocks.\(i).\(name)")
            }
        }
    }

    /// Transcribes a second of noise with greedy decoding (and the temperature fallback): whatever the
    /// weights (NaN, infinities), this must end with segments or an error, never a trap.
    static func transcribeNoise(with model: WhisperModel, rng: inout SeededGenerator,
                                report: (String, String) -> Void) throws {
        let transcriber = try Transcriber(model: model, threads: 1)
        let samples = (0..<16_000).map { _ in Float.random(in: -0.3...0.3, using: &rng) }
        var options = TranscriptionOptions()
        options.decoding.language = nil
        options.decoding.sampleLength = 24
        let result = try transcriber.transcribe(samples: samples, options: options)
        for segment in result.segments where !(segment.start.isFinite && segment.end.isFinite) {
            report("transcription", "segment with time \(segment.start)–\(segment.end)")
        }
    }
}
