extension Tokenizer {
    /// The tokenizer of a loaded model file: its vocabulary and header `n_vocab`.
    /// - Throws: `ModelLoadError` naming the file when the vocabulary cannot serve as Whisper's.
    public init(modelFile: GGMLModelFile) throws(ModelLoadError) {
        do {
            try self.init(vocabulary: modelFile.vocabulary, vocabularySize: modelFile.hyperparameters.nVocab)
        } catch {
            throw ModelLoadError(path: modelFile.path, reason: .invalidVocabulary(error.description))
        }
    }
}
