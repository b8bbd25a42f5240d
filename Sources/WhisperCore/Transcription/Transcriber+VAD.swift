extension Transcriber {
    /// Transcription with voice activity detection (`options.vad`): the speech of the selected part
    /// of the recording is found, packed together (`SpeechTimeline`) and transcribed; every segment's
    /// start and end are mapped back onto the original recording before it is reported. No speech:
    /// no segments.
    func transcribeSpeechOnly(samples: [Float], options: TranscriptionOptions, vad: VADOptions,
                              onSegment: ((Segment) -> Void)?) throws(WhisperError) -> TranscriptionResult {
        // Offset and duration select part of the recording, as without VAD.
        let rate = Double(Self.sampleRate)
        let first = min(samples.count, max(0, Int((options.offset * rate).rounded())))
        var last = samples.count
        if let duration = options.duration, duration > 0 {
            last = min(samples.count, first + Int((duration * rate).rounded()))
        }
        let clip = Array(samples[first..<last])
        let baseTime = Double(first) / rate

        let clock = Host.seconds()
        let model: SileroVADModel
        do { model = try vad.loadModel() } catch { throw .vadModel(error) }
        let detector = SileroVAD(model: model)
        let speech = SpeechSegments.detect(in: clip, vad: detector, parameters: vad.parameters, executor: executor)
        let timeline = SpeechTimeline(samples: clip, segments: speech, overlap: vad.parameters.samplesOverlap)
        let vadTime = Host.seconds() - clock

        func mapped(_ segment: Segment) -> Segment {
            var segment = segment
            let interval = timeline.originalInterval(start: segment.start, end: segment.end)
            segment.start = baseTime + interval.start
            segment.end = baseTime + interval.end
            return segment
        }

        guard !timeline.isEmpty else {
            var timings = Timings()
            timings.vad = vadTime
            return TranscriptionResult(segments: [], windows: [], language: options.decoding.language, timings: timings)
        }
        var packedOptions = options
        packedOptions.vad = nil
        packedOptions.offset = 0
        packedOptions.duration = nil
        var result = try transcribe(samples: timeline.samples, options: packedOptions) { onSegment?(mapped($0)) }
        result.segments = result.segments.map(mapped)
        result.timings.vad = vadTime
        return result
    }
}
