#if canImport(Glibc)
import Glibc
import WhisperCore
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a Whisper model a user already has in another format — a CTranslate2 directory
/// (faster-whisper) or a Hugging Face `transformers` checkpoint — so it can be written as GGML.
public enum ModelImporter {
    public enum Format: String, Sendable {
        case ctranslate2 = "CTranslate2"
        case huggingFace = "Hugging Face transformers"
    }

    /// Which format `directory` holds, nil when it is neither.
    public static func format(of directory: String) -> Format? {
        let exists: (String) -> Bool = { access($0, F_OK) == 0 }
        if CTranslate2Checkpoint.isCheckpoint(directory, exists: exists) { return .ctranslate2 }
        if HuggingFaceCheckpoint.isCheckpoint(directory, exists: exists) { return .huggingFace }
        return nil
    }

    /// Reads the model in `directory`; throws `ImportError` (naming the file and the tensor) or
    /// `ModelLoadError` (a file that cannot be opened).
    public static func read(directory: String) throws -> ImportedModel {
        let readText: (String) throws -> [UInt8]? = { path in
            guard access(path, F_OK) == 0 else { return nil }
            let file = try MappedFile(path: path)
            return withExtendedLifetime(file) { Array(file.bytes) }
        }
        let mapFile: (String) throws -> MappedFile = { try MappedFile(path: $0) }
        switch format(of: directory) {
        case .ctranslate2: return try CTranslate2Checkpoint.read(directory: directory, mapFile: mapFile, readText: readText)
        case .huggingFace: return try HuggingFaceCheckpoint.read(directory: directory, mapFile: mapFile, readText: readText)
        case nil:
            throw ImportError(path: directory, reason: "neither a CTranslate2 model (model.bin + config.json) nor a Hugging Face "
                              + "checkpoint (config.json + model.safetensors or its index)")
        }
    }

    /// Reads `directory` and writes it to `outputPath` as a GGML model of `type` (by `SafeFileWriter`'s rule).
    package static func convert(directory: String, to outputPath: String, type: GGMLTensorType,
                                progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> ImportedModel {
        let model = try read(directory: directory)
        try SafeFileWriter.write(to: outputPath) { sink in
            try GGMLModelWriter.write(model, as: type, into: &sink, progress: progress)
        }
        return model
    }
}
