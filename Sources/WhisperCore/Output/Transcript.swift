/// What a transcript file is written from: the segments, plus what JSON output reports about the
/// run (model, parameters, language). Only `segments` is needed for the subtitle formats.
public struct Transcript: Sendable {
    public var segments: [Segment]
    /// The language transcribed (a code such as `en`); nil if unknown.
    public var language: String?
    /// Turns token ids into text for per-token output (JSON); without it tokens are listed by id only.
    public var tokenizer: Tokenizer?
    /// The model's architecture, for JSON output.
    public var model: ModelHyperparameters?
    /// Where the model came from (a path or a name), for JSON output.
    public var modelName: String?
    /// The audio file transcribed, for JSON output.
    public var source: String?
    /// The run's parameters (decoding options), written as given into JSON's `params`.
    public var parameters: [(String, JSONValue)]
    /// How SRT and VTT cues are laid out from word times.
    public var subtitleLayout = SubtitleLayout()

    public init(segments: [Segment], language: String? = nil, tokenizer: Tokenizer? = nil,
                model: ModelHyperparameters? = nil, modelName: String? = nil, source: String? = nil,
                parameters: [(String, JSONValue)] = []) {
        self.segments = segments
        self.language = language
        self.tokenizer = tokenizer
        self.model = model
        self.modelName = modelName
        self.source = source
        self.parameters = parameters
    }
}
