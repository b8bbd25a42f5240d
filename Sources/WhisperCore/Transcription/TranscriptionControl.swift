/// A handle on a transcription in progress: stop it from another thread (or a task's cancellation
/// handler), and hear how far it has come. Give one in `TranscriptionOptions.control`.
///
/// The transcriber looks at `isCancelled` before each 30 s window and the decoder between tokens,
/// so a cancelled transcription stops within a few tokens' time and throws `WhisperError.cancelled`
/// (segments already delivered stay delivered). `onProgress` receives, after each window, the
/// fraction of the selected audio done (0...1, increasing; 1 at the end). `onWindow` receives each
/// window as soon as it is decoded: where it starts, its tokens (timestamps included) and each
/// token's log-probability, the temperature it took, its no-speech probability — before its
/// segments are made (and before a silent window is skipped).
public final class TranscriptionControl: @unchecked Sendable {
    private var cancelled = false
    let onProgress: ((Double) -> Void)?
    let onWindow: ((WindowRecord) -> Void)?

    public init(onProgress: ((Double) -> Void)? = nil, onWindow: ((WindowRecord) -> Void)? = nil) {
        self.onProgress = onProgress
        self.onWindow = onWindow
    }

    /// Asks the transcription to stop.
    public func cancel() { Host.withSharedLock { cancelled = true } }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { Host.withSharedLock { cancelled } }
}

extension TranscriptionControl: Equatable {
    /// The same handle (identity).
    public static func == (a: TranscriptionControl, b: TranscriptionControl) -> Bool { a === b }
}
