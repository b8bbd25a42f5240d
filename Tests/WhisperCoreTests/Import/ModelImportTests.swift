import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// `whisper-cli convert`'s importers: checkpoints written from the synthetic models in
/// `../shared/models` (English-only, multilingual, v3's 128 mel bins) as Hugging Face folders
/// (f32, f16, bf16; one file or shards; vocab.json or tokenizer.json) and as CTranslate2 folders
/// (f32, f16, bf16, int8 with scales) are converted back and must give the tensors that went in.
final class ModelImportTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory("import") }
    override func tearDown() { dir.remove() }

    /// Converts `source` to GGML (f16 unless said) and opens the result.
    func convert(_ source: String, type: GGMLTensorType = .f16) throws -> GGMLModelFile {
        let out = dir.file("out-\(UUID().uuidString).bin")
        _ = try ModelImporter.convert(directory: source, to: out, type: type)
        return try GGMLModelFile(path: out)
    }

    /// Every tensor of `converted` against `original`: same names, types, shapes; values equal
    /// within `tolerance` (relative to the tensor's largest value; 0: bit for bit).
    func assertSameTensors(_ converted: GGMLModelFile, _ original: GGMLModelFile, tolerance: Float,
                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(converted.hyperparameters, original.hyperparameters, file: file, line: line)
        XCTAssertEqual(converted.tensorOrder, original.tensorOrder, "OpenAI's order", file: file, line: line)
        XCTAssertEqual(converted.vocabulary, original.vocabulary, file: file, line: line)
        let a = CheckpointWriter(model: converted), b = CheckpointWriter(model: original)
        for name in original.tensorOrder {
            guard let ci = converted.tensors[name], let oi = original.tensors[name] else {
                XCTFail("\(name) missing", file: file, line: line); continue
            }
            XCTAssertEqual(ci.dims, oi.dims, name, file: file, line: line)
            XCTAssertEqual(ci.type, oi.type, name, file: file, line: line)
            if tolerance == 0 {
                let same = UnsafeRawBufferPointer(start: converted.data(of: ci), count: ci.byteCount)
                    .elementsEqual(UnsafeRawBufferPointer(start: original.data(of: oi), count: oi.byteCount))
                XCTAssertTrue(same, "\(name): bytes differ", file: file, line: line)
            } else {
                let x = a.tensor(name).values, y = b.tensor(name).values
                let scale = max(y.map(abs).max() ?? 1, 1e-6)
                let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst / scale, tolerance, "\(name): max difference \(worst)", file: file, line: line)
            }
        }
    }

    func original(_ name: String) throws -> GGMLModelFile { try GGMLModelFile(path: try SharedData.model(name)) }

    func testHuggingFaceF32RoundTripIsExact() throws {
        for model in ["tiny.en-synthetic-f16.bin", "nano-synthetic-f16.bin", "nano-v3-synthetic-f16.bin"] {
            let source = try original(model)
            let folder = dir.file("hf-\(model)")
            try CheckpointWriter(model: source).writeHuggingFace(to: folder, element: .f32)
            assertSameTensors(try convert(folder), source, tolerance: 0)
        }
    }

    func testHuggingFaceF16ShardedAndTokenizerJSON() throws {
        let source = try original("nano-synthetic-f16.bin")
        let folder = dir.file("hf-sharded")
        try CheckpointWriter(model: source).writeHuggingFace(to: folder, element: .f16, shards: 3, tokenizerJSON: true)
        // f16 weights are exact; the f32 vectors went through half precision.
        assertSameTensors(try convert(folder), source, tolerance: 1e-3)
    }

    func testHuggingFaceBF16() throws {
        let source = try original("nano-v3-synthetic-f16.bin")
        let folder = dir.file("hf-bf16")
        try CheckpointWriter(model: source).writeHuggingFace(to: folder, element: .bf16)
        assertSameTensors(try convert(folder), source, tolerance: 1e-2)
    }

    func testCTranslate2F16IsExactAndF32ToF32() throws {
        let source = try original("tiny.en-synthetic-f16.bin")
        let f16 = dir.file("ct2-f16")
        try CheckpointWriter(model: source).writeCTranslate2(to: f16, weights: .f16)
        // The f32 vectors of the original are f16-exact only if they were widened from f16; compare loosely.
        assertSameTensors(try convert(f16), source, tolerance: 1e-3)
        let f32 = dir.file("ct2-f32")
        try CheckpointWriter(model: source).writeCTranslate2(to: f32, weights: .f32, jsonVocabulary: true)
        assertSameTensors(try convert(f32), source, tolerance: 0)
    }

    func testCTranslate2IntegerAndBF16Multilingual() throws {
        let source = try original("nano-synthetic-f16.bin")
        for (weights, tolerance) in [(CheckpointWriter.CT2Element.int8, Float(1.0 / 127)), (.int16, 2.0 / 1024), (.bf16, 1e-2)] {
            let folder = dir.file("ct2-\(weights)")
            try CheckpointWriter(model: source).writeCTranslate2(to: folder, weights: weights)
            assertSameTensors(try convert(folder), source, tolerance: tolerance)
        }
    }

    /// Converting straight to q8_0 gives what quantizing the f16 conversion gives.
    func testQuantizedConversionEqualsTheQuantizer() throws {
        let source = try original("nano-synthetic-f16.bin")
        let folder = dir.file("hf-q")
        try CheckpointWriter(model: source).writeHuggingFace(to: folder, element: .f32)
        let direct = dir.file("direct.bin"), viaQuantizer = dir.file("via.bin")
        _ = try ModelImporter.convert(directory: folder, to: direct, type: .q5_1)
        try ModelQuantizer.quantize(try GGMLModelFile(path: try SharedData.model("nano-synthetic-f16.bin")), to: .q5_1, outputPath: viaQuantizer)
        let a = try Data(contentsOf: URL(fileURLWithPath: direct)), b = try Data(contentsOf: URL(fileURLWithPath: viaQuantizer))
        // Same bytes after the mel filterbank (which the converter computes).
        let filterEnd = 4 * 12 + 8 + 80 * 201 * 4
        XCTAssertEqual(a.count, b.count)
        XCTAssertTrue(a.dropFirst(filterEnd) == b.dropFirst(filterEnd), "quantized conversion differs from the quantizer's output")
    }

    /// The computed Slaney filterbank against the one OpenAI shipped (in the real tiny.en) and v3's 128 bins.
    func testMelFilterbankMatchesOpenAIs() throws {
        for (model, mels) in [("ggml-tiny.en.bin", 80), ("nano-v3-synthetic-f16.bin", 128)] {
            let shipped = try original(model).melFilters
            let computed = MelFilterbank.slaney(melCount: mels)
            XCTAssertEqual(shipped.nMels, mels)
            let worst = zip(shipped.weights, computed.weights).map { abs($0 - $1) }.max() ?? 1
            print("\(model): computed mel filterbank within \(worst) of the file's")
            XCTAssertLessThanOrEqual(worst, 1e-7, model)
        }
    }

    // MARK: - Hostile checkpoints

    func testDamagedCheckpointsGiveErrorsNamingFileAndTensor() throws {
        let source = try original("nano-synthetic-f16.bin")
        let folder = dir.file("ct2-bad")
        try CheckpointWriter(model: source).writeCTranslate2(to: folder, weights: .f16)
        let full = try Data(contentsOf: URL(fileURLWithPath: folder + "/model.bin"))
        for cut in [0, 3, 10, 100, full.count / 2, full.count - 1] {
            try full.prefix(cut).write(to: URL(fileURLWithPath: folder + "/model.bin"))
            XCTAssertThrowsError(try ModelImporter.read(directory: folder)) { error in
                XCTAssertTrue("\(error)".contains("model.bin"), "\(cut): \(error)")
            }
        }
        // A variable whose size field lies.
        var lying = [UInt8](full)
        let name = Array("encoder/conv1/weight".utf8)
        if let at = (0..<(lying.count - name.count)).first(where: { lying[$0..<($0 + name.count)].elementsEqual(name) }) {
            let sizeField = at + name.count + 1 + 1 + 3 * 4 + 1
            for i in 0..<4 { lying[sizeField + i] = 0xFF }
        }
        try Data(lying).write(to: URL(fileURLWithPath: folder + "/model.bin"))
        XCTAssertThrowsError(try ModelImporter.read(directory: folder)) { error in
            XCTAssertTrue("\(error)".contains("encoder/conv1/weight"), "\(error)")
        }

        let hf = dir.file("hf-bad")
        try CheckpointWriter(model: source).writeHuggingFace(to: hf, element: .f16)
        let st = try Data(contentsOf: URL(fileURLWithPath: hf + "/model.safetensors"))
        for cut in [0, 7, 20, st.count / 2, st.count - 1] {
            try st.prefix(cut).write(to: URL(fileURLWithPath: hf + "/model.safetensors"))
            XCTAssertThrowsError(try ModelImporter.read(directory: hf)) { error in
                XCTAssertTrue("\(error)".contains("model.safetensors"), "\(cut): \(error)")
            }
        }
        // Unknown dtype, and a missing tensor (the header edited in place, same lengths).
        func edited(_ data: Data, _ from: String, _ to: String) -> Data {
            var bytes = [UInt8](data)
            let a = Array(from.utf8), b = Array(to.utf8)
            var i = 0
            while i + a.count <= bytes.count {
                if bytes[i..<(i + a.count)].elementsEqual(a) { bytes.replaceSubrange(i..<(i + a.count), with: b); i += a.count } else { i += 1 }
            }
            return Data(bytes)
        }
        try edited(st, "\"F16\"", "\"F64\"").write(to: URL(fileURLWithPath: hf + "/model.safetensors"))
        XCTAssertThrowsError(try ModelImporter.read(directory: hf)) { error in
            XCTAssertTrue("\(error)".contains("F64"), "\(error)")
        }
        try edited(st, "model.decoder.layer_norm.bias", "model.decoder.layer_norm.bia_").write(to: URL(fileURLWithPath: hf + "/model.safetensors"))
        XCTAssertThrowsError(try ModelImporter.convert(directory: hf, to: dir.file("x.bin"), type: .f16)) { error in
            XCTAssertTrue("\(error)".contains("decoder.ln.bias"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("x.bin")), "nothing written")
    }

    func testJSONParser() throws {
        let value = try JSONParser.parse(Array(#"{"a": [1, -2.5e1, "x\u00e9\ud83d\ude00\n"], "b": {"c": null, "d": true}}"#.utf8))
        XCTAssertEqual(value["a"]?.arrayValue?[0].intValue, 1)
        XCTAssertEqual(value["a"]?.arrayValue?[1], .number(-25))
        XCTAssertEqual(value["a"]?.arrayValue?[2].stringValue, "xé😀\n")
        XCTAssertEqual(value["b"]?["d"], .bool(true))
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "\"abc", "01x", "nul", String(repeating: "[", count: 10_000)] {
            XCTAssertThrowsError(try JSONParser.parse(Array(bad.utf8)), bad.prefix(20).description)
        }
    }
}
