/// Why a voice-activity model file could not be loaded. Every case names the file it is about.
public struct VADModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong with the file.
    public enum Reason: Equatable, Sendable {
        /// No model path was given and there is no model at the default location (`path`).
        case noModelGiven
        case cannotOpen(String)
        case notAModelFile(magic: UInt32)
        case truncated(whileReading: String, offset: Int)
        case unsupportedModelType(String)
        case invalidHyperparameter(name: String, value: Int)
        case invalidTensorHeader(String, offset: Int)
        case unknownTensorType(tensor: String, type: Int32)
        case unsupportedTensorType(tensor: String, type: GGMLTensorType)
        case tensorOutOfBounds(tensor: String, offset: Int, bytes: Int, fileSize: Int)
        case duplicateTensor(String)
        case missingTensor(String)
        case unexpectedTensor(String)
        case wrongShape(tensor: String, expected: [Int], found: [Int])
        case invalidWeights(tensor: String)
    }

    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        "\(path): \(reasonDescription)"
    }

    private var reasonDescription: String {
        switch reason {
        case .noModelGiven:
            return "no VAD model given, and none at this default location; pass the path of a Silero VAD model "
                + "in whisper.cpp's GGML format (whisper-cli: -vm FILE), e.g. ggml-silero-v6.2.0.bin from "
                + "https://huggingface.co/ggml-org/whisper-vad"
        case .cannotOpen(let why):
            return "cannot open VAD model file (\(why))"
        case .notAModelFile(let magic):
            return "not a whisper.cpp GGML VAD model file (magic 0x\(String(magic, radix: 16)), expected 0x67676d6c)"
        case .truncated(let what, let offset):
            return "VAD model file ends early while reading \(what) at byte \(offset) (truncated download?)"
        case .unsupportedModelType(let type):
            return "unsupported VAD model type '\(type)' (expected 'silero-16k')"
        case .invalidHyperparameter(let name, let value):
            return "impossible VAD model hyperparameter \(name) = \(value)"
        case .invalidTensorHeader(let why, let offset):
            return "invalid tensor header at byte \(offset): \(why)"
        case .unknownTensorType(let tensor, let type):
            return "tensor '\(tensor)' has unknown type \(type)"
        case .unsupportedTensorType(let tensor, let type):
            return "tensor '\(tensor)' is stored as \(type); a VAD model holds f32 or f16 tensors only"
        case .tensorOutOfBounds(let tensor, let offset, let bytes, let fileSize):
            return "tensor '\(tensor)' needs \(bytes) bytes at offset \(offset), past the end of the file (\(fileSize) bytes; truncated?)"
        case .duplicateTensor(let name):
            return "tensor '\(name)' appears twice"
        case .missingTensor(let name):
            return "tensor '\(name)' is missing"
        case .unexpectedTensor(let name):
            return "unexpected tensor '\(name)' in a Silero VAD model"
        case .wrongShape(let tensor, let expected, let found):
            return "tensor '\(tensor)' has shape \(found), expected \(expected)"
        case .invalidWeights(let tensor):
            return "tensor '\(tensor)' holds a NaN or infinite value"
        }
    }
}
