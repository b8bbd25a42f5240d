/// Whisper's network: the audio encoder and the text decoder, and the phases of their memory.
///
/// The encoder and the decoder never run at once, so their peaks need not add up: before a
/// window is encoded the decoder gives back its weight copies, and once the encoder is done it
/// hands its activations and its weights' pages back (`AudioEncoder.encode`); the decoder's
/// copies are made again with the window's cross-attention keys and values. A caller asks for
/// "this window, encoded" and never manages the pages itself.
public final class WhisperNetwork: @unchecked Sendable {
    public let encoder: AudioEncoder
    public let decoder: TextDecoder

    package init(weights: WhisperWeights, hyperparameters: ModelHyperparameters) throws(AllocationError) {
        encoder = try AudioEncoder(weights: weights.encoder, hyperparameters: hyperparameters)
        decoder = TextDecoder(weights: weights.decoder, hyperparameters: hyperparameters)
    }

    /// A network whose decoder reads `decoder`'s prepared weights (see `TextDecoder.init(sharingWeightsOf:executor:)`).
    package init(weights: WhisperWeights, hyperparameters: ModelHyperparameters, sharingDecoderWeightsOf decoder: TextDecoder,
                 executor: ParallelExecutor) throws(AllocationError) {
        encoder = try AudioEncoder(weights: weights.encoder, hyperparameters: hyperparameters)
        self.decoder = TextDecoder(sharingWeightsOf: decoder, executor: executor)
    }

    /// Encodes one 30 s window of log-mel frames (`nMels` rows of 3000) and returns what the
    /// decoder attends to: the cross-attention keys and values of every decoder layer.
    public func encodeWindow(_ mel: UnsafeBufferPointer<Float>, executor: ParallelExecutor) throws(AllocationError) -> CrossAttentionCache {
        decoder.releaseWeightCopies()                     // made again by crossAttention
        let features = encoder.encode(mel: mel.baseAddress!, executor: executor)
        return try decoder.crossAttention(features: features, executor: executor)
    }

    /// Encodes several windows one after the other (batched transcription): the encoder keeps its
    /// pages and the decoder's weight copies are made once, after the last window, instead of
    /// going and coming back for each.
    package func encodeWindows(_ mels: [[Float]], executor: ParallelExecutor) throws(AllocationError) -> [CrossAttentionCache] {
        decoder.releaseWeightCopies()
        var caches: [CrossAttentionCache] = []
        for (i, mel) in mels.enumerated() {
            let features = mel.withUnsafeBufferPointer {
                encoder.encode(mel: $0.baseAddress!, executor: executor, releasingPages: i == mels.count - 1)
            }
            caches.append(try decoder.crossAttentionOnly(features: features, executor: executor))
        }
        decoder.fillWeightCopies(executor: executor)
        return caches
    }
}
