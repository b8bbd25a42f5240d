import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Teacher-forced logits of the encoder + decoder against the float64 reference, on the mel the
/// reference itself computes (so these tests isolate the network from the audio front end).
final class NetworkParityTests: XCTestCase {
    /// The prompt and the 40 teacher-forced tokens of `reference/logits/MODEL.jfk.top.tsv`.
    static func referenceTokens(model: String) throws -> [Int] {
        let prompt = try String(contentsOfFile: try SharedData.reference("logits/\(model).jfk.prompt.txt"), encoding: .utf8)
            .split(separator: " ")[1].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let rows = try String(contentsOfFile: try SharedData.reference("logits/\(model).jfk.top.tsv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: "\t") }
        // One row per fed token: the prompt, then 40 tokens.
        let fed = rows.compactMap { Int($0[1]) }
        XCTAssertEqual(Array(fed.prefix(prompt.count)), prompt)
        return fed
    }

    /// `prompt` names the reference whose 40 teacher-forced tokens are fed (only some models have one).
    func check(model name: String, tolerance: Float, prompt: String? = nil, path: String? = nil) throws {
        let modelPath = try path ?? SharedData.model(name + ".bin")
        let tokens = try Self.referenceTokens(model: prompt ?? name)
        try Self.compare(name: name, modelPath: modelPath, sample: "jfk", tokens: tokens, promptCount: tokens.count - 40, tolerance: tolerance)
    }

    /// Feeds `tokens` (the first `promptCount` at once, the rest one by one through the cache) on the
    /// first window of `sample` and compares every row of logits with the float64 reference's.
    /// `model`'s decoder, with the cross-attention keys and values of one encoded window
    /// (`[nMels][3000]` log-mel values).
    static func decoderOnWindow(_ model: WhisperModel, _ window: [Float],
                                executor: ParallelExecutor) throws -> (TextDecoder, CrossAttentionCache) {
        let h = model.hyperparameters
        let encoder = try AudioEncoder(weights: model.weights.encoder, hyperparameters: h)
        let features = window.withUnsafeBufferPointer { encoder.encode(mel: $0.baseAddress!, executor: executor) }
        let decoder = TextDecoder(weights: model.weights.decoder, hyperparameters: h)
        return (decoder, try decoder.crossAttention(features: features, executor: executor))
    }

    static func compare(name: String, modelPath: String, sample: String, tokens: [Int], promptCount nPrompt: Int,
                 tolerance: Float) throws {
        let audio = try SharedData.sample(sample + ".wav")
        let model = try WhisperModel(path: modelPath)
        let h = model.hyperparameters
        let mel = try PythonReference.mel(model: modelPath, audio: audio)
        let frames = mel.count / h.nMels
        // The first window: [nMels][3000] out of [nMels][frames].
        var window = [Float](repeating: 0, count: h.nMels * 3000)
        for m in 0..<h.nMels { for t in 0..<3000 { window[m * 3000 + t] = mel[m * frames + t] } }

        let executor = ParallelExecutor(threads: 2)
        let (decoder, cross) = try decoderOnWindow(model, window, executor: executor)
        let cache = try decoder.makeCache(slots: 1)
        // Feed the prompt at once, then the rest one token at a time through the KV cache.
        var ours = Array(decoder.decode([.init(slot: 0, tokens: Array(tokens[..<nPrompt]), allLogits: true)],
                                        cache: cache, cross: cross, executor: executor))
        for t in tokens[nPrompt...] {
            ours += decoder.decode([.init(slot: 0, tokens: [t])], cache: cache, cross: cross, executor: executor)
        }
        let reference = try PythonReference.logits(model: modelPath, audio: audio, tokens: tokens)
        XCTAssertEqual(ours.count, reference.count)

        var maxDiff: Float = 0
        var top1Checked = 0
        for row in 0..<tokens.count {
            let o = ours[(row * h.nVocab)..<((row + 1) * h.nVocab)]
            let r = reference[(row * h.nVocab)..<((row + 1) * h.nVocab)]
            for (a, b) in zip(o, r) { maxDiff = max(maxDiff, abs(a - b)) }
            let sorted = r.enumerated().sorted { $0.element > $1.element }
            if sorted[0].element - sorted[1].element > tolerance {
                XCTAssertEqual(o.indices.max { o[$0] < o[$1] }! - o.startIndex, sorted[0].offset, "\(name): top-1 of row \(row)")
                top1Checked += 1
            }
        }
        print("\(name): max |logit − reference| = \(maxDiff) over \(tokens.count) rows; top-1 checked on \(top1Checked)")
        XCTAssertLessThanOrEqual(maxDiff, tolerance, name)
    }

    func testNanoF16() throws { try check(model: "nano-synthetic-f16", tolerance: 2e-3) }
    func testNanoV3F16() throws { try check(model: "nano-v3-synthetic-f16", tolerance: 2e-3) }
    func testTinyEnF16() throws { try check(model: "tiny.en-synthetic-f16", tolerance: 2e-3) }

    // Quantized weights: the reference dequantizes the same blocks exactly, so the remaining
    // difference is float32 arithmetic; the issue allows 2e-2.
    func testNanoQ4_0() throws { try check(model: "nano-synthetic-q4_0", tolerance: 2e-2) }
    func testNanoQ4_1() throws { try check(model: "nano-synthetic-q4_1", tolerance: 2e-2, prompt: "nano-synthetic-q4_0") }
    func testNanoQ5_0() throws { try check(model: "nano-synthetic-q5_0", tolerance: 2e-2, prompt: "nano-synthetic-q4_0") }
    func testNanoQ5_1() throws { try check(model: "nano-synthetic-q5_1", tolerance: 2e-2, prompt: "nano-synthetic-q4_0") }
    func testNanoQ8_0() throws { try check(model: "nano-synthetic-q8_0", tolerance: 2e-2, prompt: "nano-synthetic-q4_0") }
    func testTinyEnQ5_1() throws { try check(model: "tiny.en-synthetic-q5_1", tolerance: 2e-2) }

    /// ../shared has no tiny q8_0 file (only whisper.cpp's logits for it): make it with our quantizer,
    /// which ModelQuantizerTests shows is byte-identical to whisper.cpp's.
    func testTinyEnQ8_0() throws {
        let path = try TemporaryFiles.directory().appendingPathComponent("tiny.en-synthetic-q8_0.bin").path
        try ModelQuantizer.quantize(try GGMLModelFile(path: try SharedData.model("tiny.en-synthetic-f16.bin")), to: .q8_0, outputPath: path)
        try check(model: "tiny.en-synthetic-q8_0", tolerance: 2e-2, path: path)
    }
}
