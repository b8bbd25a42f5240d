/// A loaded Whisper model: its file (memory-mapped), hyperparameters and weights.
public final class WhisperModel: @unchecked Sendable {
    public let file: GGMLModelFile
    public let weights: WhisperWeights

    public var path: String { file.path }
    public var hyperparameters: ModelHyperparameters { file.hyperparameters }

    /// Loads and validates a whisper.cpp GGML model. Throws `ModelLoadError` naming the file and
    /// the problem: unreadable, not a model, truncated, unknown tensor types, missing, duplicated or
    /// misshapen tensors.
    public convenience init(path: String) throws {
        try self.init(file: GGMLModelFile(path: path))
    }

    public init(file: GGMLModelFile) throws {
        self.file = file
        self.weights = try WhisperWeights(file: file)
    }
}
