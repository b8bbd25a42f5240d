/// The part of a recording that `TranscriptionOptions.offset` and `duration` select, in 16 kHz samples.
///
/// The selection is transcribed as a recording of its own (its spectrogram is padded and normalized
/// on its own); segment times are shifted by where it starts. Whether the audio is in memory or
/// streamed from a file, the same samples are selected.
package struct SampleSelection: Equatable {
    /// The first selected sample: the offset, rounded to the nearest sample.
    package var first: Int
    /// At most this many samples from `first` on; nil: to the end of the recording.
    package var limit: Int?

    /// Longest span honoured, in seconds (about 31 700 years); larger or infinite values mean "all".
    /// It keeps the conversion to `Int` from trapping on absurd option values.
    private static let maximumSeconds = 1e12

    package init(first: Int, limit: Int?) {
        self.first = first
        self.limit = limit
    }

    package init(options: TranscriptionOptions, sampleRate: Int = Transcriber.sampleRate) {
        first = Self.samples(options.offset, sampleRate: sampleRate) ?? 0
        // A duration of 0 (or less, or NaN) means "to the end", as in whisper.cpp.
        if let duration = options.duration, duration > 0, duration < Self.maximumSeconds {
            limit = Self.samples(duration, sampleRate: sampleRate)
        } else {
            limit = nil
        }
    }

    /// `seconds` as a whole number of samples; nil for NaN, 0 for negative, capped for huge values.
    private static func samples(_ seconds: Double, sampleRate: Int) -> Int? {
        guard !seconds.isNaN else { return nil }
        let capped = min(max(seconds, 0), maximumSeconds)
        return Int((capped * Double(sampleRate)).rounded())
    }

    /// The selected indices of a recording of `count` samples (empty when the offset lies beyond it).
    package func range(in count: Int) -> Range<Int> {
        let start = min(count, first)
        guard let limit else { return start..<count }
        return start..<(start + min(limit, count - start))
    }
}
