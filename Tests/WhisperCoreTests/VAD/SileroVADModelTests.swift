import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class SileroVADModelTests: XCTestCase {
    // Memory limits, files and the clock come from the platform host (installed by its entry points,
    // but these tests may run before any of them).
    override func setUp() { PlatformHost.install() }

    /// Loads `bytes` and returns the error's reason, failing the test if it loads.
    func reason(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> VADModelError.Reason? {
        let path = try VADModelFileBuilder.write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try SileroVADModel(path: path)
            XCTFail("loaded a broken file", file: file, line: line)
            return nil
        } catch let error as VADModelError {
            XCTAssertEqual(error.path, path, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(path + ": "), error.description, file: file, line: line)
            return error.reason
        }
    }

    // MARK: The real file

    /// Every header field and tensor of silero-v6.2.0-ggml.bin, as whisper.cpp's converter writes them.
    func testRealModelHeaderAndTensors() throws {
        let model = try SileroVADModel(path: try SharedData.model("silero-v6.2.0-ggml.bin"))
        XCTAssertEqual(model.modelType, "silero-16k")
        XCTAssertEqual(model.version, "6.2.0")
        let h = model.hyperparameters
        XCTAssertEqual(h.windowSize, 512)
        XCTAssertEqual(h.contextSize, 64)
        XCTAssertEqual(h.encoderLayers.map { [$0.inputChannels, $0.outputChannels, $0.kernelSize] },
                       [[129, 128, 3], [128, 64, 3], [64, 64, 3], [64, 128, 3]])
        XCTAssertEqual([h.lstmInputSize, h.lstmHiddenSize, h.finalConvInput, h.finalConvOutput], [128, 128, 128, 1])
        XCTAssertEqual([h.fftSize, h.hopLength, h.fourierFrames, h.frequencyBins], [256, 128, 4, 129])
        XCTAssertEqual(model.frameDuration, 0.032)

        let expected: [(String, GGMLTensorType, [Int])] = [
            ("_model.encoder.0.reparam_conv.weight", .f16, [3, 129, 128]), ("_model.encoder.0.reparam_conv.bias", .f32, [128]),
            ("_model.encoder.1.reparam_conv.weight", .f16, [3, 128, 64]), ("_model.encoder.1.reparam_conv.bias", .f32, [64]),
            ("_model.encoder.2.reparam_conv.weight", .f16, [3, 64, 64]), ("_model.encoder.2.reparam_conv.bias", .f32, [64]),
            ("_model.encoder.3.reparam_conv.weight", .f16, [3, 64, 128]), ("_model.encoder.3.reparam_conv.bias", .f32, [128]),
            ("_model.decoder.rnn.weight_ih", .f32, [128, 512]), ("_model.decoder.rnn.weight_hh", .f32, [128, 512]),
            ("_model.decoder.rnn.bias_ih", .f32, [512]), ("_model.decoder.rnn.bias_hh", .f32, [512]),
            ("_model.decoder.decoder.2.weight", .f16, [128]), ("_model.decoder.decoder.2.bias", .f32, []),
            ("_model.stft.forward_basis_buffer", .f16, [256, 1, 258]),
        ]
        XCTAssertEqual(model.tensors.map(\.name), expected.map(\.0))
        XCTAssertEqual(model.tensors.map(\.type), expected.map(\.1))
        XCTAssertEqual(model.tensors.map(\.dims), expected.map(\.2))
        // The last tensor's data ends exactly at the end of the file.
        let size = try FileManager.default.attributesOfItem(atPath: model.path)[.size] as? Int
        XCTAssertEqual(model.tensors.last.map { $0.offset + $0.elementCount * 2 }, size)

        XCTAssertEqual(model.fourierBasis.count, 258 * 256)
        XCTAssertEqual(model.encoder.map(\.weights.count), [128 * 387, 64 * 384, 64 * 192, 128 * 192])
        XCTAssertEqual(model.lstmInputWeights.count, 512 * 128)
        XCTAssertEqual(model.lstmHiddenWeights.count, 512 * 128)
        XCTAssertEqual(model.outputWeights.count, 128)
        // The basis is a windowed DFT: bin 0's imaginary row (row 129) is all zeros, its real row is not.
        XCTAssertTrue(model.fourierBasis[(129 * 256)..<(130 * 256)].allSatisfy { $0 == 0 })
        XCTAssertTrue(model.fourierBasis[0..<256].contains { $0 != 0 })
    }

    // MARK: Crafted files

    func testSmallModelLoads() throws {
        let builder = VADModelFileBuilder.small()
        let path = try builder.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try SileroVADModel(path: path)
        XCTAssertEqual(model.tensors.count, 15)
        XCTAssertEqual(model.hyperparameters.fourierFrames, (32 + 8 - 16) / 8 + 1)
        // f16 and f32 values come through; the scalar bias too.
        let basis = builder.tensors[builder.index(of: "_model.stft.forward_basis_buffer")]
        let first = Float(Float16(bitPattern: UInt16(basis.data[0]) | UInt16(basis.data[1]) << 8))
        XCTAssertEqual(model.fourierBasis.first, first)
        let bias = builder.tensors[builder.index(of: "_model.decoder.decoder.2.bias")].data
        XCTAssertEqual(model.outputBias, Float(bitPattern: bias.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        // And the network runs on it.
        let vad = SileroVAD(model: model)
        let p = vad.probabilities(of: (0..<100).map { sin(Float($0) * 0.3) })
        XCTAssertEqual(p.count, 4)
        XCTAssertTrue(p.allSatisfy { $0 > 0 && $0 < 1 })
    }

    /// Every proper prefix of a valid file is reported as truncated, never a crash.
    func testEveryTruncationIsATypedError() throws {
        let bytes = VADModelFileBuilder.small().bytes
        let path = try VADModelFileBuilder.write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Cut inside the header, inside a tensor header and inside tensor data.
        var cuts = Array(0..<200) + [bytes.count - 1]
        cuts += stride(from: 200, to: bytes.count, by: 37)
        for cut in cuts {
            let reason = try reason(Array(bytes[0..<cut]))
            switch reason {
            case .truncated?, .tensorOutOfBounds?, .missingTensor?:
                break
            default:
                XCTFail("cut at \(cut): \(String(describing: reason))")
            }
        }
        XCTAssertEqual(try reason([]), .truncated(whileReading: "the magic number", offset: 0))
    }

    func testWrongMagic() throws {
        var b = VADModelFileBuilder.small()
        b.magic = 0x6767_6a74
        XCTAssertEqual(try reason(b.bytes), .notAModelFile(magic: 0x6767_6a74))
    }

    func testWhisperModelIsNotAVADModel() throws {
        // A Whisper model starts with the same magic, then n_vocab where the type's length would be.
        let path = try SharedData.model("nano-synthetic-f16.bin")
        XCTAssertThrowsError(try SileroVADModel(path: path)) { error in
            XCTAssertEqual((error as? VADModelError)?.reason, .invalidHyperparameter(name: "model type length", value: 51865))
        }
    }

    func testWrongModelType() throws {
        var b = VADModelFileBuilder.small()
        b.modelType = "silero-8k"
        XCTAssertEqual(try reason(b.bytes), .unsupportedModelType("silero-8k"))
    }

    func testImpossibleHyperparameters() throws {
        var b = VADModelFileBuilder.small()
        b.layers.removeLast()
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "n_encoder_layers", value: 3))

        b = .small()
        b.layers[1][2] = 5
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "kernel_sizes[1]", value: 5))

        b = .small()
        b.layers[2][0] = 5    // does not take the previous layer's 4 channels
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "encoder_in_channels[2]", value: 5))

        b = .small()
        b.layers[0][1] = -8
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "encoder_out_channels[0]", value: -8))

        b = .small()
        b.lstm[0] = 7
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "lstm_input_size", value: 7))

        b = .small()
        b.finalConv[1] = 2
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "final_conv_out", value: 2))

        b = .small()
        b.context = 32         // reflection needs context < window
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "context_size", value: 32))

        b = .small()
        b.window = 0
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "window_size", value: 0))

        b = .small()
        b.window = 6           // 6 + 2·4 samples cannot fill one 16-sample Fourier frame
        b.context = 4
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "window_size", value: 6))

        b = .small()
        b.version = [6, -2, 0]
        XCTAssertEqual(try reason(b.bytes), .invalidHyperparameter(name: "version minor", value: -2))
    }

    func testTensorProblems() throws {
        var b = VADModelFileBuilder.small()
        b.tensors.remove(at: b.index(of: "_model.decoder.rnn.bias_hh"))
        XCTAssertEqual(try reason(b.bytes), .missingTensor("_model.decoder.rnn.bias_hh"))

        b = .small()
        b.tensors.append(b.tensors[0])
        XCTAssertEqual(try reason(b.bytes), .duplicateTensor("_model.encoder.0.reparam_conv.weight"))

        b = .small()
        b.tensors[3].name = "_model.encoder.9.reparam_conv.bias"
        XCTAssertEqual(try reason(b.bytes), .unexpectedTensor("_model.encoder.9.reparam_conv.bias"))

        b = .small()
        let i = b.index(of: "_model.decoder.rnn.weight_hh")
        b.tensors[i] = VADModelFileBuilder.tensor("_model.decoder.rnn.weight_hh", [32, 8], values: Array(repeating: 0, count: 256), f16: false)
        XCTAssertEqual(try reason(b.bytes), .wrongShape(tensor: "_model.decoder.rnn.weight_hh", expected: [8, 32], found: [32, 8]))

        b = .small()
        b.tensors[0].type = 8   // q8_0
        XCTAssertEqual(try reason(b.bytes), .unsupportedTensorType(tensor: "_model.encoder.0.reparam_conv.weight", type: .q8_0))

        b = .small()
        b.tensors[0].type = 99
        XCTAssertEqual(try reason(b.bytes), .unknownTensorType(tensor: "_model.encoder.0.reparam_conv.weight", type: 99))

        b = .small()
        b.tensors[1].dims = [1, 1, 1, 1, 8]
        guard case .invalidTensorHeader? = try reason(b.bytes) else { return XCTFail("5 dimensions accepted") }

        b = .small()
        b.tensors[1].dims = [-8]
        guard case .invalidTensorHeader? = try reason(b.bytes) else { return XCTFail("a negative dimension accepted") }

        b = .small()
        b.tensors[1].name = ""
        guard case .invalidTensorHeader? = try reason(b.bytes) else { return XCTFail("an empty name accepted") }

        b = .small()
        let j = b.index(of: "_model.decoder.rnn.bias_ih")
        b.tensors[j] = VADModelFileBuilder.tensor("_model.decoder.rnn.bias_ih", [32], values: [.nan] + Array(repeating: 0, count: 31), f16: false)
        XCTAssertEqual(try reason(b.bytes), .invalidWeights(tensor: "_model.decoder.rnn.bias_ih"))

        // The last tensor's data cut short.
        b = .small()
        b.tensors[b.tensors.count - 1].data.removeLast(2)
        guard case .tensorOutOfBounds(let name, _, _, _)? = try reason(b.bytes) else { return XCTFail("short data accepted") }
        XCTAssertEqual(name, "_model.stft.forward_basis_buffer")
    }

    func testMissingFile() throws {
        let path = "/nonexistent/ggml-silero.bin"
        XCTAssertThrowsError(try SileroVADModel(path: path)) { error in
            guard let error = error as? VADModelError, case .cannotOpen = error.reason else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(error.description.contains(path))
        }
    }

    func testDefaultLocationWithoutModel() throws {
        let directory = TestScratch.path("vad-cwd")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(directory.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        XCTAssertThrowsError(try VADOptions().loadModel()) { error in
            XCTAssertEqual(error as? VADModelError, VADModelError(path: VADOptions.defaultModelPath, reason: .noModelGiven))
            XCTAssertTrue("\(error)".contains("Models/ggml-silero-v6.2.0.bin"))
        }
    }

    /// The rounding of convolution inputs: the hardware path agrees with the bit-level one.
    func testHalfPrecisionRounding() {
        var rng: UInt64 = 7
        var values: [Float] = [0, -0, 1, -1, 65504, 65519.99, 65520, -65520, 1e-8, 2.98e-8, 5.96e-8, 6.1e-5, 6.104e-5,
                               0x1p-14, 0x1p-25, 0x1.8p-24, 0x1.8p-23, 1 + 0x1p-11, 1 + 0x3p-11, .infinity, -.infinity]
        for _ in 0..<200_000 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            values.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng >> 32)))
        }
        for x in values where !x.isNaN {
            XCTAssertEqual(HalfPrecision.rounded(x), HalfPrecision.float(fromBits: HalfPrecision.bits(from: x)), "\(x)")
        }
        XCTAssertEqual(HalfPrecision.rounded(1 + 0x1p-11), 1)             // a tie goes to the even neighbour
        XCTAssertEqual(HalfPrecision.rounded(1 + 0x3p-11), 1 + 0x1p-9)
        XCTAssertEqual(HalfPrecision.rounded(70_000), .infinity)
    }
}
