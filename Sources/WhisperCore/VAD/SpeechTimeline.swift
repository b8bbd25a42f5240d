/// The speech of a recording packed together for transcription, and the way back from times in the
/// packed audio to times in the original — whisper.cpp's `whisper_vad` and
/// `map_processed_to_original_time`.
///
/// Each speech segment is copied in order, followed (except the last) by `samplesOverlap` seconds of
/// the audio after it and then 0.1 s of silence, so that Whisper sees a clear break between
/// segments. The mapping is piecewise linear through these points (packed → original, centiseconds):
/// a segment's start and end map to its original start and end; its overlap maps onto its end;
/// the inserted silence stretches from its end to the next segment's start.
public struct SpeechTimeline: Sendable {
    /// A point of the piecewise-linear mapping, in centiseconds.
    public struct MappingPoint: Sendable, Equatable {
        public var packed: Int
        public var original: Int

        public init(packed: Int, original: Int) {
            self.packed = packed
            self.original = original
        }
    }

    /// Silence inserted between segments, in seconds.
    public static let gap = 0.1

    /// The segments that were packed.
    public let segments: [SpeechSegment]
    /// The packed audio (16 kHz).
    public let samples: [Float]
    /// The mapping, by increasing packed time (no two points at the same packed time).
    public let mapping: [MappingPoint]

    /// Packs the `segments` of `samples` (16 kHz), keeping `overlap` seconds after each segment but
    /// the last. No segments: no samples.
    public init(samples original: [Float], segments: [SpeechSegment], overlap: Double = 0.1) {
        self.segments = segments
        let rate = Double(SileroVADModel.sampleRate)
        let overlapSamples = overlap.isFinite ? Int((max(0, overlap) * rate).rounded()) : 0
        let gapSamples = Int((Self.gap * rate).rounded())
        var packed: [Float] = []
        var points: [MappingPoint] = []
        func centiseconds(_ samples: Int) -> Int { SpeechSegments.centiseconds(samples: samples) }

        for (i, segment) in segments.enumerated() {
            let isLast = i == segments.count - 1
            let start = min(max(0, SpeechSegments.samples(centiseconds: segment.startCentiseconds)), original.count)
            let end = min(max(start, SpeechSegments.samples(centiseconds: segment.endCentiseconds)), original.count)
            let copyEnd = isLast ? end : min(original.count, end + overlapSamples)
            guard copyEnd > start else { continue }

            let offset = packed.count
            points.append(MappingPoint(packed: centiseconds(offset), original: segment.startCentiseconds))
            points.append(MappingPoint(packed: centiseconds(offset + end - start), original: segment.endCentiseconds))
            packed += original[start..<copyEnd]

            if !isLast {
                let silenceStart = packed.count
                points.append(MappingPoint(packed: centiseconds(silenceStart), original: segment.endCentiseconds))
                points.append(MappingPoint(packed: centiseconds(silenceStart + gapSamples),
                                           original: segments[i + 1].startCentiseconds))
                packed += repeatElement(0, count: gapSamples)
            }
        }
        // By packed time; where two points share one, the first added wins.
        var ordered: [MappingPoint] = []
        for point in points.enumerated().sorted(by: { ($0.element.packed, $0.offset) < ($1.element.packed, $1.offset) }) {
            if ordered.last?.packed != point.element.packed { ordered.append(point.element) }
        }
        samples = packed
        mapping = ordered
    }

    public var isEmpty: Bool { samples.isEmpty }

    /// The time in the original recording of `packedTime` (seconds), to the centisecond; before the
    /// first point and after the last, the first and last points' times.
    public func originalTime(of packedTime: Double) -> Double {
        guard packedTime.isFinite else { return packedTime }
        return Double(originalCentiseconds(Int((packedTime * 100).rounded()))) / 100
    }

    /// A transcribed segment's start and end (packed seconds) in the original recording, lasting at
    /// least 0.1 s (as whisper.cpp keeps mapped segments from collapsing).
    public func originalInterval(start: Double, end: Double) -> (start: Double, end: Double) {
        guard start.isFinite, end.isFinite else { return (start, end) }
        let t0 = originalCentiseconds(Int((start * 100).rounded()))
        let t1 = max(originalCentiseconds(Int((end * 100).rounded())), t0 + 10)
        return (Double(t0) / 100, Double(t1) / 100)
    }

    /// Linear interpolation between the mapping points around `packed` (centiseconds), rounded
    /// toward zero as whisper.cpp's integer arithmetic does.
    func originalCentiseconds(_ packed: Int) -> Int {
        guard let first = mapping.first, let last = mapping.last else { return packed }
        if packed <= first.packed { return first.original }
        if packed >= last.packed { return last.original }
        // The first point at or after `packed` (binary search; points are strictly increasing).
        var low = 0, high = mapping.count - 1
        while low < high {
            let mid = (low + high) / 2
            if mapping[mid].packed < packed { low = mid + 1 } else { high = mid }
        }
        let upper = mapping[low]
        if upper.packed == packed { return upper.original }
        let lower = mapping[low - 1]
        return lower.original + (packed - lower.packed) * (upper.original - lower.original) / (upper.packed - lower.packed)
    }
}
