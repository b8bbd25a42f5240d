import WhisperCore

/// The error of the kind that occurred: `WhisperError`'s wrapped error, any other error itself.
/// (The engine's composite calls throw `WhisperError`; tests match on the specific types.)
func specific(_ error: any Error) -> any Error {
    (error as? WhisperError)?.underlying ?? error
}
