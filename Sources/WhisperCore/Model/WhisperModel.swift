/// A loaded Whisper model: its file (memory-mapped), hyperparameters and weights.
public final class WhisperModel: @unchecked Sendable {
    public let file: GGMLModelFile
    public let weights: WhisperWeights
    /// The model's tokenizer, built from its vocabulary at load (a vocabulary it cannot be built
    /// from is a load error naming the file).
    public let tokenizer: Tokenizer

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
        do {
            tokenizer = try Tokenizer(vocabulary: file.vocabulary, vocabularySize: file.hyperparameters.nVocab)
        } catch {
            throw ModelLoadError(path: file.path, reason: .invalidVocabulary("\(error)"))
        }
    }

    /// The tensors holding NaN or infinite values (for quantized tensors: in a block's scale),
    /// in file order. Reads the whole file.
    public func nonFiniteTensors() -> [String] {
        file.tensorOrder.filter { name in file.tensors[name].map { file.holdsNonFinite($0) } ?? false }
    }
}
