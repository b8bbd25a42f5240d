/// What the engine's composite calls throw — transcribing, detecting the language, decoding a
/// window — where several kinds of failure can meet: each kind keeps its own error type.
/// Its description is the underlying error's.
public enum WhisperError: Error, CustomStringConvertible, Equatable, Sendable {
    case modelLoad(ModelLoadError)
    case audio(AudioError)
    case allocation(AllocationError)
    case vadModel(VADModelError)
    case modelOutput(ModelOutputError)
    /// `TranscriptionControl.cancel()` stopped the work.
    case cancelled

    public var description: String {
        switch self {
        case .modelLoad(let e): return e.description
        case .audio(let e): return e.description
        case .allocation(let e): return e.description
        case .vadModel(let e): return e.description
        case .modelOutput(let e): return e.description
        case .cancelled: return "the transcription was cancelled"
        }
    }

    #if !hasFeature(Embedded)
    /// The error of the kind that occurred, for callers that match on the specific types.
    public var underlying: any Error {
        switch self {
        case .modelLoad(let e): return e
        case .audio(let e): return e
        case .allocation(let e): return e
        case .vadModel(let e): return e
        case .modelOutput(let e): return e
        case .cancelled: return self
        }
    }
    #endif
}

extension WhisperError {
    /// `body`'s result, or its `AllocationError` as a `WhisperError`.
    @inline(__always)
    package static func allocating<T>(_ body: () throws(AllocationError) -> T) throws(WhisperError) -> T {
        do { return try body() } catch { throw .allocation(error) }
    }

    /// `body`'s result, or its `AudioError` as a `WhisperError`.
    @inline(__always)
    package static func readingAudio<T>(_ body: () throws(AudioError) -> T) throws(WhisperError) -> T {
        do { return try body() } catch { throw .audio(error) }
    }
}
