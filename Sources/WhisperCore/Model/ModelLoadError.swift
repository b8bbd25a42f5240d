/// Why a model file could not be loaded. Every case names the file it is about.
public struct ModelLoadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong with the file.
    public enum Reason: Equatable, Sendable {
        case cannotOpen(String)
        case notAModelFile(magic: UInt32)
        case truncated(whileReading: String, offset: Int)
        case invalidHyperparameter(name: String, value: Int)
        case invalidMelFilterbank(mels: Int, bins: Int)
        /// Header fields that are each possible but do not fit together.
        case inconsistentHyperparameters(String)
        /// The filterbank's row count differs from the header's n_mels.
        case melCountMismatch(header: Int, filterbank: Int, bins: Int)
        case invalidVocabulary(String)
        case invalidTensorHeader(String, offset: Int)
        case unknownTensorType(tensor: String, type: Int32)
        case tensorOutOfBounds(tensor: String, offset: Int, bytes: Int, fileSize: Int)
        case duplicateTensor(String)
        case missingTensor(String)
        case unexpectedTensor(String)
        case wrongShape(tensor: String, expected: [Int], found: [Int])
        case unsupportedTensorType(tensor: String, type: GGMLTensorType)
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

    /// What a file with this first word probably is, for the message about a wrong file.
    static func describe(magic: UInt32) -> String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: magic >> (8 * UInt32($0))) }
        let text = String(decoding: bytes, as: UTF8.self)
        let hex = "magic 0x" + String(magic, radix: 16)
        switch text {
        case "RIFF", "RF64": return "it is a RIFF/WAV file: audio, not a model"
        case "GGUF": return "it is a GGUF file, the newer llama.cpp format; whisper.cpp models are GGML files"
        case "fLaC", "OggS": return "it looks like an audio file"
        case "ggjt", "ggla", "ggmf": return "it is a GGML file of another kind (\(hex))"
        default:
            if bytes.starts(with: Array("ID3".utf8)) { return "it looks like an MP3 file" }
            return hex
        }
    }

    private var reasonDescription: String {
        switch reason {
        case .cannotOpen(let why):
            return "cannot open model file (\(why))"
        case .notAModelFile(let magic):
            return "not a whisper.cpp GGML model file (\(Self.describe(magic: magic)); expected magic 0x67676d6c)"
        case .truncated(let what, let offset):
            return "file ends early while reading \(what) at byte \(offset) (truncated download?)"
        case .invalidHyperparameter(let name, let value):
            return "impossible hyperparameter \(name) = \(value)"
        case .invalidMelFilterbank(let mels, let bins):
            return "invalid mel filterbank size \(mels)×\(bins) (it must have n_mels rows of 201 frequency bins)"
        case .inconsistentHyperparameters(let why):
            return "impossible hyperparameters: \(why)"
        case .melCountMismatch(let header, let filterbank, let bins):
            return "the header gives n_mels = \(header), but the mel filterbank has \(filterbank) rows of \(bins) bins "
                + "(Whisper models use 80 mel bands, large-v3 128)"
        case .invalidVocabulary(let why):
            return "invalid vocabulary: \(why)"
        case .invalidTensorHeader(let why, let offset):
            return "invalid tensor header at byte \(offset): \(why)"
        case .unknownTensorType(let tensor, let type):
            return "tensor '\(tensor)' has unknown type \(type)"
        case .tensorOutOfBounds(let tensor, let offset, let bytes, let fileSize):
            return "tensor '\(tensor)' needs \(bytes) bytes at offset \(offset), past the end of the file (\(fileSize) bytes; truncated?)"
        case .duplicateTensor(let name):
            return "tensor '\(name)' appears twice"
        case .missingTensor(let name):
            return "tensor '\(name)' is missing"
        case .unexpectedTensor(let name):
            return "unexpected tensor '\(name)' for this architecture"
        case .wrongShape(let tensor, let expected, let found):
            return "tensor '\(tensor)' has shape \(found), expected \(expected) for this architecture"
        case .unsupportedTensorType(let tensor, let type):
            return "tensor '\(tensor)' cannot be stored as \(type)"
        }
    }
}
