import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class ModelLoaderTests: XCTestCase {
    // MARK: the shared models

    func testEverySharedModelLoads() throws {
        let expected: [(String, Int, Int, Int, Int, ModelSize, GGMLTensorType)] = [
            // file, n_vocab, d, layers, mels, size, type of the big matrices
            ("tiny.en-synthetic-f16.bin", 51864, 384, 4, 80, .tiny, .f16),
            ("tiny.en-synthetic-q5_1.bin", 51864, 384, 4, 80, .tiny, .q5_1),
            ("nano-synthetic-f16.bin", 51865, 128, 2, 80, .custom, .f16),
            ("nano-synthetic-q4_0.bin", 51865, 128, 2, 80, .custom, .q4_0),
            ("nano-synthetic-q4_1.bin", 51865, 128, 2, 80, .custom, .q4_1),
            ("nano-synthetic-q5_0.bin", 51865, 128, 2, 80, .custom, .q5_0),
            ("nano-synthetic-q5_1.bin", 51865, 128, 2, 80, .custom, .q5_1),
            ("nano-synthetic-q8_0.bin", 51865, 128, 2, 80, .custom, .q8_0),
            ("nano-v3-synthetic-f16.bin", 51866, 64, 1, 128, .custom, .f16),
        ]
        for (name, nVocab, d, layers, mels, size, type) in expected {
            let model = try WhisperModel(path: try SharedData.model(name))
            let h = model.hyperparameters
            XCTAssertEqual(h.nVocab, nVocab, name)
            XCTAssertEqual(h.nAudioState, d, name)
            XCTAssertEqual(h.nAudioLayer, layers, name)
            XCTAssertEqual(h.nMels, mels, name)
            XCTAssertEqual(h.size, size, name)
            XCTAssertEqual(h.isMultilingual, nVocab > 51864, name)
            XCTAssertEqual(model.file.melFilters.weights.count, mels * 201, name)
            XCTAssertEqual(model.file.vocabulary.count, 50257, name)
            XCTAssertEqual(model.weights.encoder.blocks[0].mlpUp.weight.type, type, name)
            XCTAssertEqual(model.weights.encoder.blocks.count, layers, name)
            XCTAssertEqual(model.weights.decoder.tokenEmbedding.rows, nVocab, name)
            // Conv kernels are 3 wide, never quantized.
            XCTAssertEqual(model.weights.encoder.conv1.weight.type, .f16, name)
        }
    }

    func testQuantizedHeaderCarriesVersion() throws {
        let q = try GGMLModelFile(path: try SharedData.model("tiny.en-synthetic-q5_1.bin"))
        XCTAssertEqual(q.hyperparameters.rawFileType, 2009)
        XCTAssertEqual(q.hyperparameters.fileType, 9)
        XCTAssertEqual(q.hyperparameters.quantizationVersion, 2)
        XCTAssertEqual(q.hyperparameters.fileTypeName, "q5_1")
    }

    func testFirstBytesOfAWeightMatchTheFile() throws {
        // The mel filterbank of a real model: a triangular filter bank, each row sums to a positive value.
        let file = try GGMLModelFile(path: try SharedData.model("nano-synthetic-f16.bin"))
        for m in 0..<80 {
            let row = file.melFilters.weights[(m * 201)..<((m + 1) * 201)]
            XCTAssertGreaterThan(row.reduce(0, +), 0)
            XCTAssertTrue(row.allSatisfy { $0 >= 0 })
        }
    }

    // MARK: crafted files

    func testBuiltModelLoads() throws {
        let path = try ModelFileBuilder.tiny().write()
        let model = try WhisperModel(path: path)
        XCTAssertEqual(model.hyperparameters.nAudioState, 4)
        XCTAssertEqual(model.weights.encoder.conv1.weight.columns, 240)
    }

    private func assertLoadFails(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line,
                                 _ check: (ModelLoadError.Reason) -> Bool) throws {
        let path = try TemporaryFiles.write(bytes, name: "broken.bin")
        do {
            _ = try WhisperModel(path: path)
            XCTFail("loading should fail", file: file, line: line)
        } catch let error as ModelLoadError {
            XCTAssertEqual(error.path, path, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(path), file: file, line: line)
            XCTAssertTrue(check(error.reason), "unexpected reason: \(error)", file: file, line: line)
        }
    }

    func testBadMagic() throws {
        var b = ModelFileBuilder.tiny()
        b.header[0] = 0x1234_5678
        try assertLoadFails(b.bytes()) { if case .notAModelFile = $0 { return true }; return false }
        // A WAV file is not a model.
        try assertLoadFails(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt ".utf8)) { if case .notAModelFile = $0 { return true }; return false }
    }

    func testEmptyAndTinyFiles() throws {
        try assertLoadFails([]) { if case .truncated = $0 { return true }; return false }
        try assertLoadFails([0x6c, 0x6d, 0x67, 0x67, 1]) { if case .truncated = $0 { return true }; return false }
    }

    func testImpossibleHyperparameters() throws {
        for (index, value) in [(1, Int32(-5)), (3, 0), (4, 5), (5, 100_000), (10, 0), (1, 50000)] {
            var b = ModelFileBuilder.tiny()
            b.header[index] = value
            try assertLoadFails(b.bytes()) { if case .invalidHyperparameter = $0 { return true }; return false }
        }
    }

    func testTruncatedEverywhere() throws {
        let full = ModelFileBuilder.tiny().bytes()
        // Cut inside the header, the filters, the vocabulary and several tensors.
        for cut in [30, 100, 64_000, 65_000, full.count / 2, full.count - 1] {
            try assertLoadFails(Array(full[..<cut])) {
                switch $0 {
                case .truncated, .tensorOutOfBounds, .missingTensor: return true
                default: return false
                }
            }
        }
    }

    func testTensorRunningPastTheEnd() throws {
        let full = ModelFileBuilder.tiny().bytes()
        try assertLoadFails(Array(full[..<(full.count - 3)])) { if case .tensorOutOfBounds(let name, _, _, _) = $0 { return name == "decoder.ln.bias" }; return false }
    }

    func testUnknownTensorType() throws {
        var b = ModelFileBuilder.tiny()
        b.tensors[5].type = 13
        try assertLoadFails(b.bytes()) { $0 == .unknownTensorType(tensor: b.tensors[5].name, type: 13) }
    }

    func testDuplicatedTensor() throws {
        var b = ModelFileBuilder.tiny()
        b.tensors.append(b.tensors[3])
        try assertLoadFails(b.bytes()) { $0 == .duplicateTensor(b.tensors[3].name) }
    }

    func testMissingTensor() throws {
        var b = ModelFileBuilder.tiny()
        let removed = b.tensors.remove(at: 7)
        try assertLoadFails(b.bytes()) { $0 == .missingTensor(removed.name) }
    }

    func testUnexpectedTensor() throws {
        var b = ModelFileBuilder.tiny()
        var extra = b.tensors[3]
        extra.name = "encoder.blocks.7.attn.query.bias"
        b.tensors.append(extra)
        try assertLoadFails(b.bytes()) { $0 == .unexpectedTensor("encoder.blocks.7.attn.query.bias") }
    }

    func testWrongShape() throws {
        var b = ModelFileBuilder.tiny()
        let i = b.tensors.firstIndex { $0.name == "encoder.blocks.0.mlp.0.weight" }!
        b.tensors[i].dims = [4, 8]   // should be [4, 16]
        b.tensors[i].data = Array(b.tensors[i].data[..<(4 * 8 * 2)])
        try assertLoadFails(b.bytes()) { if case .wrongShape(let name, [4, 16], [4, 8]) = $0 { return name == "encoder.blocks.0.mlp.0.weight" }; return false }
    }

    func testHugeDimensionsAreRefusedBeforeAllocating() throws {
        var b = ModelFileBuilder.tiny()
        b.tensors[0].dims = [1 << 30, 1 << 30]
        try assertLoadFails(b.bytes()) { if case .invalidTensorHeader = $0 { return true }; return false }
        b.tensors[0].dims = [-3, 4]
        try assertLoadFails(b.bytes()) { if case .invalidTensorHeader = $0 { return true }; return false }
    }

    func testQuantizedRowsMustBeWholeBlocks() throws {
        var b = ModelFileBuilder.tiny()
        let i = b.tensors.firstIndex { $0.name == "encoder.blocks.0.attn.query.weight" }!
        b.tensors[i].type = 8   // q8_0 with rows of 4 elements: impossible
        try assertLoadFails(b.bytes()) { if case .unsupportedTensorType = $0 { return true }; return false }
    }

    func testMissingFileAndDirectory() throws {
        XCTAssertThrowsError(try WhisperModel(path: "/nonexistent/model.bin")) { error in
            guard let e = error as? ModelLoadError, case .cannotOpen = e.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(e.description.contains("/nonexistent/model.bin"))
        }
        XCTAssertThrowsError(try WhisperModel(path: NSTemporaryDirectory())) { error in
            guard let e = error as? ModelLoadError, case .cannotOpen = e.reason else { return XCTFail("\(error)") }
        }
    }
}
