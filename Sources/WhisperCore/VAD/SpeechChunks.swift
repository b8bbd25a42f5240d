/// Speech cut into pieces a window can hold, for batched transcription (faster-whisper's batched
/// pipeline does the same): consecutive speech segments are merged while the stretch from the first
/// one's start to the last one's end lasts at most `maxDuration` (the pauses between them stay in,
/// so a chunk is one stretch of the recording and its times map back by an offset); a segment
/// longer than that on its own is cut into pieces of `maxDuration`.
public enum SpeechChunks {
    /// A 30-second window's worth of audio.
    public static let windowDuration = 30.0

    /// The chunks of a recording of `sampleCount` samples (16 kHz) whose speech is `segments`
    /// (in order, as `SpeechSegments.detect` finds them), as sample ranges in order.
    public static func chunks(of segments: [SpeechSegment], sampleCount: Int,
                              maxDuration: Double = windowDuration) -> [Range<Int>] {
        let longest = max(1, Int(maxDuration * Double(SileroVADModel.sampleRate)))
        var chunks: [Range<Int>] = []
        var current: Range<Int>?
        for segment in sampleRanges(of: segments) {
            // Padded segments may overlap: no audio goes to two chunks.
            let previousEnd = current?.upperBound ?? chunks.last?.upperBound ?? 0
            let start = min(max(previousEnd, segment.lowerBound), sampleCount)
            let end = min(max(start, segment.upperBound), sampleCount)
            guard end > start else { continue }
            if let open = current, end - open.lowerBound <= longest {
                current = open.lowerBound..<end
                continue
            }
            if let open = current { chunks.append(open) }
            // Whole pieces of a long segment go out at once; its rest may merge with what follows.
            var pieceStart = start
            while end - pieceStart > longest {
                chunks.append(pieceStart..<(pieceStart + longest))
                pieceStart += longest
            }
            current = pieceStart..<end
        }
        if let open = current { chunks.append(open) }
        return chunks
    }

    /// The segments as sample ranges (16 kHz), in order.
    package static func sampleRanges(of segments: [SpeechSegment]) -> [Range<Int>] {
        segments.map {
            let start = SpeechSegments.samples(centiseconds: $0.startCentiseconds)
            return start..<max(start, SpeechSegments.samples(centiseconds: $0.endCentiseconds))
        }
    }

    /// What is left of `chunk` to transcribe when its text ended at sample `decodedEnd`: from the
    /// first speech segment that starts there or later to the chunk's end, if the speech in it lasts
    /// at least `minimumSpeech` seconds (less is too little to decode alone: a window of a breath or
    /// a click invites an invented sentence); nil otherwise, and when it would not start after the
    /// chunk's own start (so that each rest is shorter than what it is left of).
    package static func rest(of chunk: Range<Int>, after decodedEnd: Int, speech: [Range<Int>],
                             minimumSpeech: Double = 1) -> Range<Int>? {
        var start: Int?
        var speechSamples = 0
        for segment in speech where segment.lowerBound >= decodedEnd && segment.lowerBound < chunk.upperBound {
            if start == nil { start = segment.lowerBound }
            speechSamples += min(segment.upperBound, chunk.upperBound) - segment.lowerBound
        }
        guard let from = start, from > chunk.lowerBound,
              Double(speechSamples) >= minimumSpeech * Double(SileroVADModel.sampleRate) else { return nil }
        return from..<chunk.upperBound
    }
}
