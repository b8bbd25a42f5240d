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
    /// Ending the iteration early (`break`) or cancelling the consuming task stops the work within
    /// a few tokens (through `options.control`, made here when not given).
    public func segments(samples: [Float], options: TranscriptionOptions = TranscriptionOptions())
        -> AsyncThrowingStream<Segment, Error> {
        stream(options) { options, onSegment in try self.transcribe(samples: samples, options: options, onSegment: onSegment) }
    }

    /// `segments(samples:)` for a WAV file, streamed from disk as `transcribe(file:)` reads it.
    public func segments(file path: String, options: TranscriptionOptions = TranscriptionOptions())
        -> AsyncThrowingStream<Segment, Error> {
        stream(options) { options, onSegment in try self.transcribe(file: path, options: options, onSegment: onSegment) }
    }

    /// Runs `run` in a detached task, its segments as the stream; the stream's end cancels it.
    private func stream(_ options: TranscriptionOptions,
                        _ run: @escaping @Sendable (TranscriptionOptions, @escaping (Segment) -> Void) throws -> TranscriptionResult)
        -> AsyncThrowingStream<Segment, Error> {
        var options = options
        let control = options.control ?? TranscriptionControl()
        options.control = control
        let configured = options
        return AsyncThrowingStream { continuation in
            let task = Task.detached {
                do {
                    _ = try run(configured) { segment in continuation.yield(segment) }
                    continuation.finish()
                } catch WhisperError.cancelled {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: (error as? WhisperError)?.underlying ?? error)
                }
            }
            continuation.onTermination = { _ in
                control.cancel()
                task.cancel()
            }
        }
    }
}
