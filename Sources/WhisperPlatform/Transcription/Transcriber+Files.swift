import WhisperCore

extension Transcriber {
    /// A transcriber whose loops run on `threads` threads of this platform's pool.
    public convenience init(model: WhisperModel, threads: Int) throws {
        try self.init(model: model, executor: ParallelExecutor(threads: threads))
    }

    /// Transcribes a WAV file of any length in bounded memory: the file is read and converted to
    /// log-mel in one streaming pass (`SpooledMelSpectrogram`), then transcribed window by window.
    /// The segments are those `transcribe(samples:)` gives for the file's samples, bit for bit.
    /// (Set `options.collectsSegments` to false to keep the result from growing with the recording.)
    /// Throws the specific error (`AudioError`, `AllocationError`, ...), `WhisperError.cancelled`
    /// when `options.control` was cancelled.
    public func transcribe(file path: String, options: TranscriptionOptions = TranscriptionOptions(),
                           onSegment: ((Segment) -> Void)? = nil) throws -> TranscriptionResult {
        try transcribe(stream: Mono16kStream(path: path), options: options, onSegment: onSegment)
    }

    /// Transcribes a stream of audio (a WAV file, a pipe, standard input) in bounded memory; see
    /// `transcribe(file:)`. The stream is read to its end (or to `options.offset + options.duration`).
    /// With `options.vad` or `options.batchSize` above 1, the selected audio is read into memory:
    /// voice activity detection needs it whole.
    public func transcribe(stream: Mono16kStream, options: TranscriptionOptions = TranscriptionOptions(),
                           onSegment: ((Segment) -> Void)? = nil) throws -> TranscriptionResult {
        do {
            return try transcribeStreamed(stream, options: options, onSegment: onSegment)
        } catch let error as WhisperError {
            throw error.underlying
        }
    }

    private func transcribeStreamed(_ stream: Mono16kStream, options: TranscriptionOptions,
                                    onSegment: ((Segment) -> Void)?) throws -> TranscriptionResult {
        let selection = SampleSelection(options: options)
        if options.vad != nil || options.batchSize > 1 {
            let end = selection.limit.map { selection.first + $0 }
            var samples: [Float] = []
            while end.map({ samples.count < $0 }) ?? true, let chunk = try stream.next() {
                samples += chunk.prefix(end.map { $0 - samples.count } ?? chunk.count)
            }
            if stream.reader.framesRead == 0 { throw AudioError.noAudio(file: stream.reader.name) }
            return try transcribe(samples: samples, options: options, onSegment: onSegment)
        }
        var timings = Timings()
        let clock = Host.seconds()
        let mel = try SpooledMelSpectrogram(
            stream: stream, frontEnd: LogMelSpectrogram(filters: model.file.melFilters.weights, melCount: model.hyperparameters.nMels),
            skipping: selection.first, limit: selection.limit, executor: executor)
        timings.mel = Host.seconds() - clock
        // A header without a single sample is not a recording (as `AudioLoader` says too).
        if stream.reader.framesRead == 0 { throw AudioError.noAudio(file: stream.reader.name) }
        return try transcribe(windows: mel, startTime: Double(mel.skippedSamples) / Double(Self.sampleRate),
                              timings: timings, options: options, onSegment: onSegment)
    }

    /// `detectLanguage(samples:)` for a WAV file, reading only as far as the first 30 seconds after
    /// `options.offset`.
    public func detectLanguage(file path: String, options: TranscriptionOptions = TranscriptionOptions())
        throws -> [(language: Language, probability: Double)] {
        guard tokenizer.specialTokens.isMultilingual else { return [] }
        let stream = try Mono16kStream(path: path)
        var toSkip = SampleSelection(options: options).first
        let wanted = Self.windowFrames * Self.hopLength
        var clip: [Float] = []
        while clip.count < wanted, let chunk = try stream.next() {
            let dropped = Swift.min(toSkip, chunk.count)
            toSkip -= dropped
            clip += chunk[dropped...].prefix(wanted - clip.count)
        }
        var clipOptions = options
        clipOptions.offset = 0
        return try detectLanguage(samples: clip, options: clipOptions)
    }
}
