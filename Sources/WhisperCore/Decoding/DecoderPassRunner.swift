/// Runs a window decoder's decoder passes somewhere else than on its own `TextDecoder`: in steps
/// shared with other transcriptions running side by side (`SharedDecoderSteps` in WhisperPlatform,
/// `whisper-cli -p N`), where one forward pass serves the rows of every window being decoded.
///
/// A window decoder calls `join` before its first pass of a window and `leave` after its last:
/// between the two, a runner may wait for this decoder's next pass before running a step, so the
/// decoder must not wait for anything else there.
package protocol DecoderPassRunner: AnyObject, Sendable {
    func join()
    func leave()
    /// Runs `steps` on `cache`'s slots attending to `cross` and returns their logits as
    /// `TextDecoder.decode` does; the buffer stays valid until this caller's next `run` or `leave`.
    func run(_ steps: [TextDecoder.Step], cache: KeyValueCache, cross: CrossAttentionCache) -> UnsafeBufferPointer<Float>
}
