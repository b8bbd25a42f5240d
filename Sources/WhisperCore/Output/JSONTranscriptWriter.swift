/// JSON in whisper.cpp's layout (`-ojf`), always valid UTF-8:
///
///     {
///         "systeminfo": "WhisperSwift 0.1.0",
///         "model": { "type", "multilingual", "vocab", "audio": {...}, "text": {...}, "mels", "ftype" },
///         "params": { "model", then the run's parameters },
///         "result": { "language" },
///         "transcription": [ {
///             "timestamps": { "from": "00:00:00,720", "to": ... }, "offsets": { "from": 720, "to": ... },
///             "text", "tokens": [ { "text", "id", "p" } ],
///             "avg_logprob", "no_speech_prob", "temperature", "compression_ratio"
///         } ]
///     }
///
/// A token's `text` holds whole characters only (see `TokenText`): a character split across
/// tokens is shown on the token that completes it, so the tokens' texts joined equal the segment's
/// text. `p` is the probability the decoder gave the token when choosing it.
public struct JSONTranscriptWriter: TranscriptWriter {
    public init() {}
    public var fileExtension: String { "json" }

    public func render(_ transcript: Transcript) -> String {
        document(transcript).rendered()
    }

    /// The JSON value written, for programs that want to add to it.
    public func document(_ transcript: Transcript) -> JSONValue {
        var members: [(String, JSONValue)] = [("systeminfo", .string("WhisperSwift \(WhisperCore.version)"))]
        if let h = transcript.model {
            members.append(("model", .object([
                ("type", .string(h.size == .custom ? "unknown" : h.size.rawValue)),
                ("multilingual", .bool(h.isMultilingual)),
                ("vocab", .int(h.nVocab)),
                ("audio", .object([("ctx", .int(h.nAudioCtx)), ("state", .int(h.nAudioState)),
                                   ("head", .int(h.nAudioHead)), ("layer", .int(h.nAudioLayer))])),
                ("text", .object([("ctx", .int(h.nTextCtx)), ("state", .int(h.nTextState)),
                                  ("head", .int(h.nTextHead)), ("layer", .int(h.nTextLayer))])),
                ("mels", .int(h.nMels)),
                ("ftype", .int(h.rawFileType)),
            ])))
        }
        var params: [(String, JSONValue)] = []
        if let name = transcript.modelName { params.append(("model", .string(name))) }
        if let source = transcript.source { params.append(("file", .string(source))) }
        params += transcript.parameters
        members.append(("params", .object(params)))
        members.append(("result", .object([("language", transcript.language.map(JSONValue.string) ?? .null)])))
        members.append(("transcription", .array(transcript.segments.map { segment(of: $0, tokenizer: transcript.tokenizer) })))
        return .object(members)
    }

    private func segment(of segment: Segment, tokenizer: Tokenizer?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("timestamps", .object([("from", .string(Timestamp.format(segment.start, separator: ","))),
                                    ("to", .string(Timestamp.format(segment.end, separator: ",")))])),
            ("offsets", .object([("from", .int(Timestamp.milliseconds(segment.start))),
                                 ("to", .int(Timestamp.milliseconds(segment.end)))])),
            ("text", .string(segment.text)),
        ]
        let texts = tokenizer.map { TokenText.pieces(of: segment.tokens, tokenizer: $0, includeSpecial: true) }
        let hasProbabilities = segment.tokenProbabilities.count == segment.tokens.count
        var tokens: [JSONValue] = []
        for (i, id) in segment.tokens.enumerated() {
            var token: [(String, JSONValue)] = []
            if let texts { token.append(("text", .string(texts[i]))) }
            token.append(("id", .int(id)))
            if hasProbabilities { token.append(("p", Self.number(segment.tokenProbabilities[i]))) }
            tokens.append(.object(token))
        }
        members.append(("tokens", .array(tokens)))
        members.append(("avg_logprob", .number(segment.averageLogProb)))
        members.append(("no_speech_prob", .number(segment.noSpeechProbability)))
        members.append(("temperature", Self.number(segment.temperature)))
        members.append(("compression_ratio", .number(segment.compressionRatio)))
        if let words = segment.words {
            members.append(("words", .array(words.map { w in
                .object([("word", .string(w.word)), ("start", .number(w.start)), ("end", .number(w.end)),
                         ("probability", .number(w.probability))])
            })))
        }
        return .object(members)
    }

    /// A Float written with the digits that identify it as a Float (0.765255, not 0.76525497436...).
    public static func number(_ value: Float) -> JSONValue {
        guard value.isFinite else { return .null }
        return .float(value)
    }
}
