import Foundation
import WhisperCore

/// One decoder for transcriptions running side by side (`whisper-cli -p N`): each transcription's
/// thread runs its own seek loop, encoder and token choices, but its decoder passes wait here and
/// run as one forward pass with those of every other window being decoded — each step streams the
/// decoder's weights once for all of them instead of once per transcription.
///
/// A step runs when every window decoder that has joined has a pass waiting; whichever of their
/// threads sees that first runs it, on all the threads given here. Each caller's rows get the bits
/// they would get alone (`TextDecoder.decode(passes:)`), so transcripts do not depend on which
/// files happen to be decoded together.
package final class SharedDecoderSteps: DecoderPassRunner, @unchecked Sendable {
    private let decoder: TextDecoder
    private let executor: ParallelExecutor
    private let condition = NSCondition()
    /// Window decoders between `join` and `leave`.
    private var members = 0
    /// Passes waiting for the next step.
    private var waiting: [Request] = []
    private var stepRunning = false
    /// Steps run and rows fed, for `statistics`.
    private var steps = 0, rows = 0

    /// A caller's pass, and where its logits are once its step has run.
    private final class Request {
        let pass: TextDecoder.Pass
        var logits: UnsafeBufferPointer<Float>?
        init(_ pass: TextDecoder.Pass) { self.pass = pass }
    }

    /// A decoder of `model` (its own activations; the weights are the model's) whose steps run on
    /// `threads` threads.
    package init(model: WhisperModel, threads: Int) {
        decoder = TextDecoder(weights: model.weights.decoder, hyperparameters: model.hyperparameters)
        executor = ParallelExecutor(threads: threads)
        decoder.fillWeightCopies(executor: executor)
    }

    /// A network for one of the transcriptions: an encoder of its own, and a decoder over these
    /// steps' weights (the decoder's weight copies exist once, and stay).
    fileprivate func makeNetwork(model: WhisperModel, executor: ParallelExecutor) throws(AllocationError) -> WhisperNetwork {
        try WhisperNetwork(weights: model.weights, hyperparameters: model.hyperparameters, sharingDecoderWeightsOf: decoder,
                           executor: executor)
    }

    /// A window decoder starts: steps now wait for its passes too. It does not wait for the other
    /// files' windows to start (they may be spooling an hour of audio, or reading a slow pipe); see
    /// the README's "Many short files" for what waiting did.
    package func join() {
        condition.lock()
        members += 1
        condition.unlock()
    }

    package func leave() {
        condition.lock()
        members -= 1
        condition.broadcast()                 // the others may now be all there is to wait for
        condition.unlock()
    }

    package func run(_ steps: [TextDecoder.Step], cache: KeyValueCache, cross: CrossAttentionCache) -> UnsafeBufferPointer<Float> {
        let request = Request(TextDecoder.Pass(steps: steps, cache: cache, cross: cross))
        condition.lock()
        defer { condition.unlock() }
        waiting.append(request)
        while true {
            if let logits = request.logits { return logits }
            if !stepRunning, waiting.count >= members {
                runStep()
            } else {
                condition.wait()
            }
        }
    }

    /// Runs the waiting passes as one step (called holding the lock, which it lets go meanwhile).
    private func runStep() {
        let batch = waiting
        waiting.removeAll()
        stepRunning = true
        condition.unlock()
        let logits = decoder.decode(passes: batch.map(\.pass), executor: executor)
        condition.lock()
        let width = decoder.hyperparameters.nVocab
        var offset = 0
        for request in batch {
            let count = request.pass.steps.reduce(0) { $0 + ($1.logitRows?.count ?? 1) } * width
            request.logits = UnsafeBufferPointer(rebasing: logits[offset..<(offset + count)])
            offset += count
            rows += request.pass.steps.reduce(0) { $0 + $1.tokens.count }
        }
        steps += 1
        stepRunning = false
        condition.broadcast()
    }

    /// Steps run so far and the rows they fed (for `--print-timings`-like reports and tests).
    package var statistics: (steps: Int, rows: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (steps, rows)
    }
}

extension Transcriber {
    /// A transcriber whose window decoding runs in `steps`, shared with other transcribers of the
    /// same model; its own loops (log-mel, encoder, word alignment) run on `threads` threads.
    package convenience init(model: WhisperModel, threads: Int, sharing steps: SharedDecoderSteps) throws {
        let executor = ParallelExecutor(threads: threads)
        try self.init(model: model, network: steps.makeNetwork(model: model, executor: executor), executor: executor)
        shareDecoderSteps(steps)
    }
}
