import WhisperCore

extension Transcriber {
    /// The segments of a transcription as an asynchronous sequence, each delivered as soon as its
    /// window is decoded:
    ///
    ///     for try await segment in transcriber.segments(samples: samples) {
    ///         print(segment.text)
    ///     }
    ///
    /// The work runs in a detached task; a transcriber runs one transcription at a time.
    /// Cancelling the consuming task stops delivery (the window in progress finishes first).
    public func segments(samples: [Float], options: TranscriptionOptions = TranscriptionOptions())
        -> AsyncThrowingStream<Segment, Error> {
        AsyncThrowingStream { continuation in
            let task = Task.detached { [self] in
                do {
                    _ = try self.transcribe(samples: samples, options: options) { segment in
                        continuation.yield(segment)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
