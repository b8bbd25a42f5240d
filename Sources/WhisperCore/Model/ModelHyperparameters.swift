/// The eleven numbers at the head of a whisper.cpp model file, plus its file type.
public struct ModelHyperparameters: Equatable, Sendable {
    public var nVocab: Int
    public var nAudioCtx: Int
    public var nAudioState: Int
    public var nAudioHead: Int
    public var nAudioLayer: Int
    public var nTextCtx: Int
    public var nTextState: Int
    public var nTextHead: Int
    public var nTextLayer: Int
    public var nMels: Int
    /// The header's `ftype` as stored: `quantizationVersion * 1000 + fileType`.
    public var rawFileType: Int

    /// GGML's *file* type (0 all f32, 1 mostly f16, 2 q4_0, 3 q4_1, 7 q8_0, 8 q5_0, 9 q5_1).
    public var fileType: Int { rawFileType % 1000 }
    /// GGML's quantization version (2 for files written by today's quantizer, 0 for f16/f32).
    public var quantizationVersion: Int { rawFileType / 1000 }

    public init(nVocab: Int, nAudioCtx: Int, nAudioState: Int, nAudioHead: Int, nAudioLayer: Int,
                nTextCtx: Int, nTextState: Int, nTextHead: Int, nTextLayer: Int, nMels: Int,
                rawFileType: Int) {
        self.nVocab = nVocab
        self.nAudioCtx = nAudioCtx
        self.nAudioState = nAudioState
        self.nAudioHead = nAudioHead
        self.nAudioLayer = nAudioLayer
        self.nTextCtx = nTextCtx
        self.nTextState = nTextState
        self.nTextHead = nTextHead
        self.nTextLayer = nTextLayer
        self.nMels = nMels
        self.rawFileType = rawFileType
    }

    /// Whether the model has language and task tokens (51865 tokens and more).
    public var isMultilingual: Bool { nVocab >= 51865 }

    /// The family member this architecture matches, from the encoder's depth and width.
    public var size: ModelSize { ModelSize(hyperparameters: self) }

    /// The file type's name, as whisper.cpp's model names spell it.
    public var fileTypeName: String {
        switch fileType {
        case 0: return "f32"
        case 1: return "f16"
        case 2: return "q4_0"
        case 3: return "q4_1"
        case 7: return "q8_0"
        case 8: return "q5_0"
        case 9: return "q5_1"
        default: return "type \(fileType)"
        }
    }

    /// Checks that the numbers describe a network that can exist; the first problem found is thrown.
    func validate(path: String) throws(ModelLoadError) {
        func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws(ModelLoadError) {
            guard range.contains(value) else {
                throw ModelLoadError(path: path, reason: .invalidHyperparameter(name: name, value: value))
            }
        }
        try check("n_vocab", nVocab, 51864...51866)
        try check("n_audio_ctx", nAudioCtx, 1...1500)
        try check("n_audio_state", nAudioState, 1...8192)
        try check("n_audio_head", nAudioHead, 1...nAudioState)
        try check("n_audio_layer", nAudioLayer, 1...128)
        try check("n_text_ctx", nTextCtx, 1...448)
        try check("n_text_state", nTextState, 1...8192)
        try check("n_text_head", nTextHead, 1...nTextState)
        try check("n_text_layer", nTextLayer, 1...128)
        try check("n_mels", nMels, 1...256)
        try check("ftype", rawFileType, 0...100_000)
        guard nAudioState % nAudioHead == 0 else {
            throw ModelLoadError(path: path, reason: .inconsistentHyperparameters(
                "n_audio_state = \(nAudioState) is not a multiple of n_audio_head = \(nAudioHead) (each head takes an equal share of the width)"))
        }
        guard nTextState % nTextHead == 0 else {
            throw ModelLoadError(path: path, reason: .inconsistentHyperparameters(
                "n_text_state = \(nTextState) is not a multiple of n_text_head = \(nTextHead) (each head takes an equal share of the width)"))
        }
        // Cross-attention reads the encoder output with the decoder's width.
        guard nTextState == nAudioState else {
            throw ModelLoadError(path: path, reason: .inconsistentHyperparameters(
                "n_text_state = \(nTextState) differs from n_audio_state = \(nAudioState) (the decoder attends to the encoder's output)"))
        }
    }
}

/// The Whisper family members, told apart by the encoder's depth and width.
public enum ModelSize: String, Sendable, CustomStringConvertible {
    case tiny, base, small, medium, large
    /// An architecture outside the published family (e.g. the small synthetic test models).
    case custom

    init(hyperparameters h: ModelHyperparameters) {
        switch (h.nAudioLayer, h.nAudioState) {
        case (4, 384): self = .tiny
        case (6, 512): self = .base
        case (12, 768): self = .small
        case (24, 1024): self = .medium
        case (32, 1280): self = .large
        default: self = .custom
        }
    }

    public var description: String { rawValue }
}
