/// Why audio could not be read or converted.
///
/// Every case that concerns a file carries the file's name (its path as given), so a message is
/// useful on its own: `"talk.mp3: not a WAV file (it looks like an MP3 file)"`.
public enum AudioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened (missing, unreadable, a directory, ...).
    case cannotOpen(file: String, reason: String)
    /// Reading failed after the file was opened (an I/O error).
    case readFailed(file: String, reason: String)
    /// The file has no bytes at all.
    case emptyFile(file: String)
    /// The file is not a RIFF/WAVE file; `kind` says what it looks like, when that can be told.
    case notWAV(file: String, kind: String)
    /// The file ends inside the RIFF header or inside a chunk header before the `data` chunk.
    case truncatedHeader(file: String, detail: String)
    /// No `fmt ` chunk came before the `data` chunk (or the file has none).
    case missingFormatChunk(file: String)
    /// The file ends without a `data` chunk.
    case missingDataChunk(file: String)
    /// The file is a valid WAV file without a single sample (a header only): nothing to transcribe.
    case noAudio(file: String)
    /// The `data` chunk holds some bytes, but fewer than one frame (one sample of every channel).
    case dataShorterThanFrame(file: String, bytes: Int, frameBytes: Int)
    /// The `fmt ` chunk is shorter than its format needs.
    case formatChunkTooShort(file: String, size: Int, needed: Int)
    /// A codec other than PCM or IEEE float (A-law, µ-law, ADPCM, MP3, ...).
    case unsupportedEncoding(file: String, formatCode: UInt16, name: String)
    /// A WAVE_FORMAT_EXTENSIBLE file whose sub-format GUID is neither PCM nor IEEE float.
    case unsupportedSubFormat(file: String, guid: String)
    /// A bit depth this decoder does not read (or a nonsensical one, such as 0 or 48).
    case unsupportedBitDepth(file: String, bits: Int, encoding: String)
    /// Zero channels (or a count that does not fit the frame layout).
    case invalidChannelCount(file: String, channels: Int)
    /// A sample rate outside `WAVFormat.supportedSampleRates`.
    case invalidSampleRate(file: String, rate: Int)
    /// The block alignment (bytes per frame) does not fit the channel count and bit depth.
    case invalidBlockAlign(file: String, blockAlign: Int, channels: Int, bits: Int)
    /// A resampler was asked for a rate it does not handle (not a file problem).
    case invalidResamplingRate(inputRate: Int, outputRate: Int)
    /// A mel filter bank whose size is not `melCount × 201` (or has no rows).
    case invalidMelFilters(melCount: Int, valueCount: Int)
    /// The temporary file that holds a long recording's spectrogram could not be created, written or read.
    case temporaryFileFailed(path: String, reason: String)

    public var description: String {
        let convert = "convert it first, e.g. `ffmpeg -i INPUT -ar 16000 -ac 1 -c:a pcm_s16le OUTPUT.wav`"
        switch self {
        case let .cannotOpen(file, reason):
            return "\(file): cannot open the audio file: \(reason)"
        case let .readFailed(file, reason):
            return "\(file): reading the audio file failed: \(reason)"
        case let .emptyFile(file):
            return "\(file): the file is empty (0 bytes), not a WAV file"
        case let .notWAV(file, kind):
            return "\(file): not a WAV file (\(kind)); only RIFF/WAVE audio is read — \(convert)"
        case let .truncatedHeader(file, detail):
            return "\(file): the WAV header is cut short: \(detail)"
        case let .missingFormatChunk(file):
            return "\(file): the WAV file has no 'fmt ' chunk before its audio data"
        case let .missingDataChunk(file):
            return "\(file): the WAV file has no 'data' chunk (no audio)"
        case let .noAudio(file):
            return "\(file): the WAV file holds no audio samples (its 'data' chunk is empty)"
        case let .dataShorterThanFrame(file, bytes, frameBytes):
            return "\(file): the WAV 'data' chunk holds \(bytes) byte\(bytes == 1 ? "" : "s"), less than one frame of "
                + "audio (\(frameBytes) bytes): no sample to transcribe"
        case let .formatChunkTooShort(file, size, needed):
            return "\(file): the WAV 'fmt ' chunk is \(size) bytes, too short (needs at least \(needed))"
        case let .unsupportedEncoding(file, code, name):
            let digits = String(code, radix: 16, uppercase: true)
            let hex = "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            return "\(file): WAV audio encoded as \(name) (format code \(hex)) is not supported; "
                + "only PCM (8/16/24/32-bit) and IEEE float (32/64-bit) are — \(convert)"
        case let .unsupportedSubFormat(file, guid):
            return "\(file): WAVE_FORMAT_EXTENSIBLE with sub-format \(guid) is not supported; "
                + "only PCM and IEEE float are — \(convert)"
        case let .unsupportedBitDepth(file, bits, encoding):
            return "\(file): \(bits)-bit \(encoding) WAV audio is not supported "
                + "(PCM: 8, 16, 24 or 32 bits; float: 32 or 64 bits)"
        case let .invalidChannelCount(file, channels):
            return "\(file): the WAV header gives \(channels) channels, which is not a valid channel count"
        case let .invalidSampleRate(file, rate):
            return "\(file): the WAV header gives a sample rate of \(rate) Hz, outside the supported "
                + "\(WAVFormat.supportedSampleRates.lowerBound)...\(WAVFormat.supportedSampleRates.upperBound) Hz"
        case let .invalidBlockAlign(file, blockAlign, channels, bits):
            return "\(file): the WAV block alignment of \(blockAlign) bytes per frame does not fit "
                + "\(channels) channel(s) of \(bits)-bit samples"
        case let .invalidResamplingRate(input, output):
            return "cannot resample from \(input) Hz to \(output) Hz: rates must be within "
                + "\(WAVFormat.supportedSampleRates.lowerBound)...\(WAVFormat.supportedSampleRates.upperBound) Hz"
        case let .invalidMelFilters(melCount, valueCount):
            return "a mel filter bank of \(melCount) rows needs \(melCount) × \(LogMelSpectrogram.binCount) values, "
                + "but \(valueCount) were given"
        case let .temporaryFileFailed(path, reason):
            return "\(path): the temporary file for the spectrogram failed: \(reason) "
                + "(set TMPDIR to a writable directory with room for 32 KB per second of audio, 51 KB with 128 mel bands)"
        }
    }
}
