/// The run's parameters a JSON transcript records (its `params` block): everything that changes
/// the result, not the thread count, which does not. Shared by whisper-cli and the WebAssembly
/// module so that their JSON files are the same.
extension TranscriptionOptions {
    /// These options as `Transcript.parameters`. `language` is the language as the user gave it
    /// ("auto" to detect), `maxContext` the text context limit as given (−1: the model's),
    /// `maxLength` and `splitOnWord` how segments were split for output.
    public func transcriptParameters(language: String, maxContext: Int, maxLength: Int = 0,
                                     splitOnWord: Bool = false) -> [(String, JSONValue)] {
        [
            ("language", .string(language)),
            ("translate", .bool(decoding.task == .translate)),
            ("beam_size", .int(decoding.beamSize ?? 1)),                   // nil: greedy
            ("best_of", .int(decoding.bestOf ?? 1)),
            ("temperatures", .array(temperatures.map { JSONTranscriptWriter.number($0) })),
            ("compression_ratio_threshold", compressionRatioThreshold.map { .number($0) } ?? .null),
            ("logprob_threshold", logProbThreshold.map { .number($0) } ?? .null),
            ("no_speech_threshold", noSpeechThreshold.map { .number($0) } ?? .null),
            ("condition_on_previous_text", .bool(conditionOnPreviousText)),
            ("max_context", .int(maxContext)),
            ("prompt", initialPrompt.map(JSONValue.string) ?? .null),
            ("offset_ms", .int(Int((offset * 1000).rounded()))),
            ("duration_ms", .int(duration.map { Int(($0 * 1000).rounded()) } ?? 0)),
            ("suppress_non_speech_tokens", .bool(decoding.suppressNonSpeechTokens)),
            ("seed", .int(Int(truncatingIfNeeded: decoding.seed))),
            ("max_len", .int(maxLength)),
            ("split_on_word", .bool(splitOnWord)),
        ]
    }
}
