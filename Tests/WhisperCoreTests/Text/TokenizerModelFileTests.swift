import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class TokenizerModelFileTests: XCTestCase {
    func testBuildsFromAModelFile() throws {
        let path = try ModelFileBuilder.tiny().write()
        let tokenizer = try Tokenizer(modelFile: GGMLModelFile(path: path))
        XCTAssertEqual(tokenizer.vocabularySize, 51864)
        XCTAssertEqual(tokenizer.encode("hi"), [104, 105])
    }

    func testAVocabularyWithoutEveryByteNamesTheFile() throws {
        var builder = ModelFileBuilder.tiny()
        builder.vocabulary.remove(at: 0x41)
        let path = try builder.write()
        let file = try GGMLModelFile(path: path)
        XCTAssertThrowsError(try Tokenizer(modelFile: file)) { error in
            guard let error = error as? ModelLoadError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.path, path)
            XCTAssertTrue(error.description.contains(path))
            XCTAssertTrue(error.description.contains("0x41"), error.description)
        }
    }

    func testRealModelFiles() throws {
        // "Hello world" as line 1 of bpe-en.tsv and bpe-multilingual.tsv encode it.
        for (model, size, ids) in [("tiny.en-synthetic-q5_1.bin", 51864, [15496, 995]),
                                   ("nano-synthetic-q8_0.bin", 51865, [15947, 1002]),
                                   ("nano-v3-synthetic-f16.bin", 51866, [15947, 1002])] {
            let tokenizer = try Tokenizer(modelFile: GGMLModelFile(path: SharedData.model(model)))
            XCTAssertEqual(tokenizer.vocabularySize, size)
            XCTAssertEqual(tokenizer.encode("Hello world"), ids, model)
        }
    }
}
