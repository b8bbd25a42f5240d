/// A loaded Whisper model: its file (memory-mapped), hyperparameters and weights.
public final class WhisperModel: @unchecked Sendable {
    public let file: GGMLModelFile
    package let weights: WhisperWeights
    /// The model's tokenizer, built from its vocabulary at load (a vocabulary it cannot be built
    /// from is a load error naming the file).
    public let tokenizer: Tokenizer

    public var path: String { file.path }
    public var hyperparameters: ModelHyperparameters { file.hyperparameters }

    /// Validates a parsed whisper.cpp GGML model and builds its network. Throws `ModelLoadError`
    /// naming the file and the problem: missing, duplicated or misshapen tensors, a vocabulary the
    /// tokenizer cannot use. (`WhisperPlatform` adds `init(path:)`.)
    public init(file: GGMLModelFile) throws(ModelLoadError) {
        self.file = file
        self.weights = try WhisperWeights(file: file)
        do {
            tokenizer = try Tokenizer(vocabulary: file.vocabulary, vocabularySize: file.hyperparameters.nVocab)
        } catch {
            throw ModelLoadError(path: file.path, reason: .invalidVocabulary(error.description))
        }
    }

    /// The tensors holding NaN or infinite values (for quantized tensors: in a block's scale),
    /// in file order. Reads the whole file.
    public func nonFiniteTensors() -> [String] {
        file.tensorOrder.filter { name in file.tensors[name].map { file.holdsNonFinite($0) } ?? false }
    }
}
