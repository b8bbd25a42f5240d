/// The one-call way from a WAV file to what Whisper consumes: mono Float samples at 16 kHz.
public enum AudioLoader {
    /// Whisper's sample rate.
    public static let sampleRate = WhisperAudio.sampleRate

    /// Decodes the WAV file at `path`, averages its channels to mono and resamples it to 16 kHz
    /// (band-limited, see `SincResampler`; 16 kHz input is passed through untouched).
    /// Memory beyond the result stays bounded: the file is decoded and resampled in chunks.
    /// Throws `AudioError.noAudio` for a file without a single sample (a header only: there is
    /// nothing to transcribe, and it is most likely a failed recording), and `AllocationError`,
    /// with the bytes needed, when the decoded audio cannot fit in memory.
    public static func loadMono16k(stream: Mono16kStream) throws(WhisperError) -> [Float] {
        let path = stream.reader.name
        var samples: [Float] = []
        if let frames = stream.reader.reservableFrameCount {
            // Frames at the file's rate → samples at 16 kHz (rounded up), never more than the file holds.
            let rate = stream.reader.sampleRate
            let count = frames / rate * sampleRate + (frames % rate * sampleRate + rate - 1) / rate
            do {
                try MemoryBudget.require(bytes: MemoryBudget.byteCount(count, elementBytes: MemoryLayout<Float>.stride),
                                         for: "the decoded audio of \(path) (\(count) samples at 16 kHz)")
            } catch {
                throw .allocation(error)
            }
            samples.reserveCapacity(count)
        }
        do {
            while let chunk = try stream.next() { samples += chunk }
        } catch {
            throw .audio(error)
        }
        if samples.isEmpty { throw .audio(.noAudio(file: path)) }
        return samples
    }
}

/// A WAV file read as a stream of 16 kHz mono chunks, in bounded memory (hours of audio are fine).
public final class Mono16kStream {
    /// The underlying reader (format, declared length, frames read).
    public let reader: WAVReader
    private let resampler: SincResampler?
    private var finished = false

    /// Streams from an open reader (a file, a pipe, standard input), from where it stands.
    public init(reader: WAVReader) throws(AudioError) {
        self.reader = reader
        resampler = reader.sampleRate == AudioLoader.sampleRate
            ? nil : try SincResampler(from: reader.sampleRate, to: AudioLoader.sampleRate)
    }

    /// The next chunk of 16 kHz samples, decoded from up to `maxInputFrames` frames of the file;
    /// nil once the file is exhausted. A chunk may be empty while the resampler fills up.
    public func next(maxInputFrames: Int = 1 << 16) throws(AudioError) -> [Float]? {
        guard !finished else { return nil }
        let input = try reader.readMono(maxFrames: max(1, maxInputFrames))
        guard let resampler else {
            if input.isEmpty { finished = true; return nil }
            return input
        }
        var out = resampler.process(input)
        if input.isEmpty {
            finished = true
            out += resampler.finish()
        }
        return out
    }
}
