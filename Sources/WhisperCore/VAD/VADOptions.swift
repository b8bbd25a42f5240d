/// Voice activity detection before transcription (`TranscriptionOptions.vad`): only the detected
/// speech is transcribed, and segment times are mapped back onto the original recording.
public struct VADOptions: Sendable, Equatable {
    /// Where the Silero VAD model comes from.
    public enum ModelSource: Sendable, Equatable {
        /// A Silero VAD GGML file.
        case file(String)
        /// `VADOptions.defaultModelPath`, relative to the working directory.
        case defaultLocation
        /// An already loaded model (compared by identity).
        case loaded(SileroVADModel)

        public static func == (a: ModelSource, b: ModelSource) -> Bool {
            switch (a, b) {
            case (.file(let x), .file(let y)): return x == y
            case (.defaultLocation, .defaultLocation): return true
            case (.loaded(let x), .loaded(let y)): return x === y
            default: return false
            }
        }
    }

    /// Where whisper-cli looks for a VAD model when none is given.
    public static let defaultModelPath = "Models/ggml-silero-v6.2.0.bin"

    public var model: ModelSource
    public var parameters: VADParameters

    public init(model: ModelSource = .defaultLocation, parameters: VADParameters = VADParameters()) {
        self.model = model
        self.parameters = parameters
    }

    public init(modelPath: String, parameters: VADParameters = VADParameters()) {
        self.init(model: .file(modelPath), parameters: parameters)
    }

    /// The model, loaded if need be. Throws `VADModelError` (`.noModelGiven` when the default
    /// location has no file).
    public func loadModel() throws(VADModelError) -> SileroVADModel {
        switch model {
        case .loaded(let model):
            return model
        case .file(let path):
            return try SileroVADModel(loading: path)
        case .defaultLocation:
            guard Host.system?.fileExists(Self.defaultModelPath) == true else {
                throw VADModelError(path: Self.defaultModelPath, reason: .noModelGiven)
            }
            return try SileroVADModel(loading: Self.defaultModelPath)
        }
    }
}
