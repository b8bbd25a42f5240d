extension Transcriber {
    /// Batched transcription (`options.batchSize` above 1), for throughput: the voice activity
    /// detector finds the speech, `SpeechChunks` cuts it at pauses into chunks of at most 30 s,
    /// and each group of `batchSize` chunks is encoded one by one and decoded together, a decoder
    /// step feeding every chunk's next tokens (`WindowDecoder.decodeTogether`: greedy, or beam
    /// search with `options.decoding.beamSize`). Chunks do not see
    /// each other's text (no previous-text prompt). A chunk whose text looks wrong (the compression
    /// ratio and log-probability checks) is decoded again on its own at the next temperatures, as
    /// the seek loop would; a chunk judged silent is skipped. When a chunk's text ends before its
    /// speech does (a second or more of speech after the last timestamp), the rest of the chunk is
    /// decoded again as a piece of its own, with the group's other rests. Segment times are the
    /// piece's offset in the recording plus the timestamps within it; text after a piece's last
    /// timestamp pair becomes a segment ending with the piece. Word timestamps are aligned per piece;
    /// `hallucinationSilenceThreshold` (which moves the seek loop) is not applied.
    func transcribeInBatches(samples: [Float], options: TranscriptionOptions,
                             onSegment: ((Segment) -> Void)?) throws(WhisperError) -> TranscriptionResult {
        let rate = Double(Self.sampleRate)
        let selected = SampleSelection(options: options).range(in: samples.count)
        let clip = Array(samples[selected])
        let baseTime = Double(selected.lowerBound) / rate
        var timings = Timings()

        // Speech, split by the detector itself where it can (at a pause) before a chunk would be too long.
        var clock = Host.seconds()
        var vad = options.vad ?? VADOptions()
        vad.parameters.maxSpeechDuration = min(vad.parameters.maxSpeechDuration, SpeechChunks.windowDuration - 1)
        let vadModel: SileroVADModel
        do { vadModel = try vad.loadModel() } catch { throw .vadModel(error) }
        let speech = SpeechSegments.detect(in: clip, vad: SileroVAD(model: vadModel), parameters: vad.parameters,
                                           executor: executor)
        let chunks = SpeechChunks.chunks(of: speech, sampleCount: clip.count)
        let speechRanges = SpeechChunks.sampleRanges(of: speech)
        timings.vad = Host.seconds() - clock

        networkLock?.lock()
        defer { networkLock?.unlock() }
        let h = model.hyperparameters
        let specials = tokenizer.specialTokens
        let frontEnd = try melFrontEnd()
        var language = specials.isMultilingual ? options.decoding.language : nil
        if specials.isMultilingual, language == nil, let first = chunks.first {
            clock = Host.seconds()
            let mel = frontEnd.compute(samples: Array(clip[first]), executor: executor)
            language = try detectLanguage(in: mel).first?.language.code
            timings.decode += Host.seconds() - clock
        }
        let inputStride = Self.windowFrames / h.nAudioCtx
        let timePrecision = Double(inputStride * Self.hopLength) / rate
        let batchSize = max(1, options.batchSize)
        var window = [Float](repeating: 0, count: h.nMels * Self.windowFrames)
        var segments: [Segment] = []
        var windows: [WindowRecord] = []
        var lastSpeechTimestamp = 0.0

        /// Decodes pieces of the clip as windows together: one encoder pass each, one decoder for all.
        func decodePieces(_ ranges: [Range<Int>], firstIndex: Int) throws(WhisperError) -> [DecodedPiece] {
            var mels: [[Float]] = []
            var frames: [Int] = []
            clock = Host.seconds()
            for range in ranges {
                let mel = frontEnd.compute(samples: Array(clip[range]), executor: executor)
                let size = min(Self.windowFrames, mel.contentFrames)
                try WhisperError.readingAudio { () throws(AudioError) in
                    try window.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) in
                        try mel.readWindow(start: 0, count: size, into: buffer)
                    }
                }
                mels.append(window)
                frames.append(size)
            }
            timings.mel += Host.seconds() - clock
            clock = Host.seconds()
            let crosses = try WhisperError.allocating { () throws(AllocationError) in try network.encodeWindows(mels, executor: executor) }
            mels = []
            timings.encode += Host.seconds() - clock

            clock = Host.seconds()
            var decoding = options.decoding
            decoding.control = options.control
            var results = try windowDecoder.decodeTogether(crosses: crosses, options: decoding, language: language)
            // The seek loop's checks; a failing piece goes on alone at the next temperatures.
            var retry = options
            retry.temperatures = Array(options.temperatures.dropFirst())
            for i in results.indices where !retry.temperatures.isEmpty && needsFallback(results[i], options: options) {
                results[i] = try decodeWithFallback(cross: crosses[i], prompt: [], options: retry, language: language,
                                                    windowIndex: firstIndex + i)
            }
            timings.decode += Host.seconds() - clock
            timings.windows += ranges.count
            for result in results { timings.decodedTokens += result.tokens.count + 1 }
            return ranges.indices.map { i in
                let cut = WindowSegmentation(tokens: results[i].tokens, specials: specials, size: frames[i],
                                             timePrecision: timePrecision, inputStride: inputStride)
                return DecodedPiece(range: ranges[i], frames: frames[i], cross: crosses[i], result: results[i], cut: cut,
                                    silent: isSilent(results[i], options: options))
            }
        }

        for groupStart in stride(from: 0, to: chunks.count, by: batchSize) {
            if options.control?.isCancelled == true { throw .cancelled }
            options.control?.onProgress?(Double(groupStart) / Double(chunks.count))
            let group = Array(chunks[groupStart..<min(chunks.count, groupStart + batchSize)])
            var pieces = try decodePieces(group, firstIndex: groupStart)
            // A chunk's text may end before its speech does (the model closed the window early):
            // the speech after its last timestamp is decoded again as a piece of its own, as the seek
            // loop would go on from there.
            var rests = pieces.compactMap { untranscribedSpeech(after: $0, speech: speechRanges) }
            while !rests.isEmpty {
                let more = try decodePieces(rests, firstIndex: groupStart)
                pieces += more
                rests = more.compactMap { untranscribedSpeech(after: $0, speech: speechRanges) }
            }
            pieces.sort { $0.range.lowerBound < $1.range.lowerBound }

            for piece in pieces {
                let result = piece.result
                let chunkStart = baseTime + Double(piece.range.lowerBound) / rate
                let chunkEnd = baseTime + Double(piece.range.upperBound) / rate
                let record = WindowRecord(seek: piece.range.lowerBound / Self.hopLength, start: chunkStart, result: result)
                if options.collectsSegments { windows.append(record) }
                options.control?.onWindow?(record)
                if piece.silent { continue }

                let tokens = result.tokens
                let cut = piece.cut
                var spans = cut.pieces.map { (range: $0.range, start: chunkStart + $0.start, end: chunkStart + $0.end) }
                // No next window decodes the rest again: it ends with the chunk.
                if !cut.unfinished.isEmpty {
                    let from = specials.isTimestamp(tokens[cut.unfinished.lowerBound])
                        ? chunkStart + Double(tokens[cut.unfinished.lowerBound] - specials.timestampBegin) * timePrecision : chunkStart
                    spans.append((range: cut.unfinished, start: from, end: chunkEnd))
                }
                var current = windowSegments(of: result, spans)

                if options.wordTimestamps {
                    clock = Host.seconds()
                    try alignWords(&current, cross: piece.cross, frames: piece.frames, windowStart: chunkStart,
                                   lastSpeechTimestamp: lastSpeechTimestamp, options: options, language: language)
                    if let lastWordEnd = WordTimestamps.end(of: current) { lastSpeechTimestamp = lastWordEnd }
                    timings.alignment += Host.seconds() - clock
                }
                for var segment in current {
                    segment.start = min(max(segment.start, chunkStart), chunkEnd)
                    segment.end = min(max(segment.end, segment.start), chunkEnd)
                    if segment.start == segment.end || segment.text.trimmingWhitespace().isEmpty { continue }
                    if options.collectsSegments { segments.append(segment) }
                    onSegment?(segment)
                }
            }
        }
        options.control?.onProgress?(1)
        return TranscriptionResult(segments: segments, windows: windows, language: language, timings: timings)
    }

    /// The speech a piece's text did not reach: after its last timestamp (see `SpeechChunks.rest`) —
    /// where the seek loop would go on when the tokens end with a segment's closing timestamp and
    /// nothing, or with a new segment's opening timestamp and no text; nil when text after the last
    /// complete segment runs to the piece's end, or the piece was judged silent.
    func untranscribedSpeech(after piece: DecodedPiece, speech: [Range<Int>]) -> Range<Int>? {
        let tokens = piece.result.tokens, specials = tokenizer.specialTokens
        guard !piece.silent, piece.cut.unfinished.allSatisfy({ specials.isTimestamp(tokens[$0]) }),
              let end = piece.cut.pieces.last?.end else { return nil }
        return SpeechChunks.rest(of: piece.range, after: piece.range.lowerBound + Int(end * Double(Self.sampleRate)),
                                 speech: speech)
    }
}

/// A piece of the recording (a chunk, or the rest of one) decoded as one window by batched transcription.
struct DecodedPiece {
    var range: Range<Int>
    var frames: Int
    var cross: CrossAttentionCache
    var result: DecodingResult
    var cut: WindowSegmentation
    var silent: Bool
}
