/// Whisper's network: the audio encoder and the text decoder, and the phases of their memory.
///
/// The encoder and the decoder never run at once, so their peaks need not add up: before a
/// window is encoded the decoder gives back its weight copies, and once the encoder is done it
/// hands its activations and its weights' pages back (`AudioEncoder.encode`); the decoder's
/// copies are made again with the window's cross-attention keys and values. A caller asks for
/// "this window, encoded" and never manages the pages itself. (Batched transcription keeps both
/// resident from one group of windows to the next: `encodeWindows`.)
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

    /// Encodes several windows one after the other (batched transcription, which trades memory for
    /// throughput): the encoder keeps its pages and the decoder its weight copies, from one group of
    /// windows to the next, instead of giving them back and making them again for each group (the
    /// group's cross-attention caches are the larger share of its memory anyway).
    package func encodeWindows(_ mels: [[Float]], executor: ParallelExecutor) throws(AllocationError) -> [CrossAttentionCache] {
        var caches: [CrossAttentionCache] = []
        for mel in mels {
            let features = mel.withUnsafeBufferPointer {
                encoder.encode(mel: $0.baseAddress!, executor: executor, releasingPages: false)
            }
            caches.append(try decoder.crossAttentionOnly(features: features, executor: executor))
        }
        decoder.fillWeightCopies(executor: executor)
        return caches
    }
}
