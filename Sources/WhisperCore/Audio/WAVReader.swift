/// Reads a RIFF/WAVE file a piece at a time: the header on opening, then frames in chunks, so a
/// recording of any length is decoded in bounded memory.
///
/// Layout handled: `RIFF` (and `RF64`, with its `ds64` sizes) · `WAVE` · chunks in any order, each
/// a 4-byte id, a little-endian 32-bit size and the body padded to an even length. Chunks other
/// than `fmt `, `ds64` and `data` are skipped. The reader is lenient where real files are sloppy
/// and strict where a mistake would mean misreading audio:
/// - a `data` size of 0 or 0xFFFFFFFF (left by writers that stream and never come back to fix the
///   header) or one larger than the file means "until the end of the file";
/// - the last frame is dropped when the file ends inside it;
/// - a missing pad byte after an odd-sized chunk is recognised and tolerated;
/// - anything that is not PCM or IEEE float, or whose header makes no sense, is refused with an
///   `AudioError` naming the file.
///
/// Every channel is decoded and the channels are averaged into one (mono) signal, as Whisper wants.
/// Samples are Float, full scale mapped to [-1, 1): u8 `(x - 128) / 128`, s16 `x / 32768`,
/// s24 `x / 8388608`, s32 `x / 2147483648`; float samples are clipped to full scale [-1, 1] and
/// non-finite values (NaN, ±infinity) become 0 — as OpenAI's pipeline, which decodes every file
/// through ffmpeg to 16-bit PCM, clips them. One wild sample (1e38 in a damaged file) therefore
/// neither overflows the channel mix, the resampler or the spectrogram nor, by setting the
/// spectrogram's maximum, silences the rest of the recording.
public final class WAVReader {
    /// The file's name, as used in error messages.
    public let name: String
    /// The sample layout from the `fmt ` chunk.
    public let format: WAVFormat
    /// Frames the `data` chunk header announces, or nil when its size is unknown (0 or 0xFFFFFFFF);
    /// the file may hold fewer (it is then read to its end).
    public let declaredFrameCount: Int?
    /// Frames the reader expects to deliver: the declared count, capped by what the rest of the
    /// file can hold when its size is known; nil when neither is known (a pipe, a streaming header).
    public let expectedFrameCount: Int?
    /// Frames decoded so far.
    public private(set) var framesRead: Int = 0
    /// Frames worth reserving memory for up front: `expectedFrameCount` when the file's size bounds
    /// it, at most `unboundedReservation` when only the header vouches for it (a pipe's header can
    /// claim 4 GiB of audio in a few bytes).
    var reservableFrameCount: Int? {
        guard let expected = expectedFrameCount else { return nil }
        return sizeIsBoundedByFile ? expected : min(expected, Self.unboundedReservation)
    }
    static let unboundedReservation = 1 << 20
    private let sizeIsBoundedByFile: Bool

    /// The largest magnitude a float sample is decoded to: full scale, as a conversion to 16-bit PCM clips.
    public static let floatSampleLimit: Float = 1

    public var sampleRate: Int { format.sampleRate }
    public var channelCount: Int { format.channelCount }

    private let input: any ByteInput
    /// Bytes read ahead while parsing the header and not yet consumed.
    private var pushback: [UInt8] = []
    /// Bytes of the `data` chunk still to read; nil = until the end of the file.
    private var remainingBytes: Int?
    private var atEnd = false
    /// Reused raw-byte buffer for `read`.
    private var scratch: [UInt8] = []

    /// Parses the header of `input` up to the start of the audio data. (`WhisperPlatform` adds
    /// `init(path:)` and `init(fileDescriptor:name:)`.)
    public init(input: any ByteInput) throws(AudioError) {
        self.input = input
        name = input.name
        var header = WAVHeaderParser(input: input)
        let parsed = try header.parse()
        format = parsed.format
        pushback = header.pushback
        remainingBytes = parsed.dataSize
        let frameBytes = parsed.format.bytesPerFrame
        if let size = parsed.dataSize, size > 0, size < frameBytes {
            throw AudioError.dataShorterThanFrame(file: input.name, bytes: size, frameBytes: frameBytes)
        }
        declaredFrameCount = parsed.dataSize.map { $0 / frameBytes }
        // The pushed-back byte (if any) is still to be read, on top of what the file has left.
        let inFile = input.bytesRemaining().map { ($0 + header.pushback.count) / frameBytes }
        sizeIsBoundedByFile = inFile != nil
        switch (declaredFrameCount, inFile) {
        case let (declared?, available?): expectedFrameCount = min(declared, available)
        case let (declared, available): expectedFrameCount = declared ?? available
        }
    }

    /// Decodes up to `maxFrames` frames, mixed to mono. Returns fewer only at the end of the
    /// audio, and an empty array once it is exhausted.
    public func readMono(maxFrames: Int) throws(AudioError) -> [Float] {
        var out: [Float] = []
        _ = try readMono(maxFrames: maxFrames, appendingTo: &out)
        return out
    }

    /// Decodes up to `maxFrames` frames, mixed to mono, appending them to `output`.
    /// Returns the number of frames appended (0 at the end of the audio).
    @discardableResult
    public func readMono(maxFrames: Int, appendingTo output: inout [Float]) throws(AudioError) -> Int {
        let frameBytes = format.bytesPerFrame
        guard maxFrames > 0, !atEnd else { return 0 }
        var wanted = maxFrames.multipliedReportingOverflow(by: frameBytes).overflow ? Int.max : maxFrames * frameBytes
        if let remaining = remainingBytes { wanted = min(wanted, remaining) }
        wanted -= wanted % frameBytes  // a declared size that is no whole number of frames
        guard wanted > 0 else { atEnd = true; return 0 }
        // Bounded buffer: large requests are served in slices of at most ~1 MiB.
        let slice = max(frameBytes, (1 << 20) / frameBytes * frameBytes)
        var produced = 0
        while wanted > 0 {
            let request = min(wanted, slice)
            let got = try fill(request)
            let frames = got / frameBytes  // a cut final frame is dropped
            if frames > 0 {
                scratch.withUnsafeBytes { raw in
                    decodeMono(raw.baseAddress!, frames: frames, into: &output)
                }
                produced += frames
            }
            if got < request { atEnd = true; break }
            wanted -= got
            if let remaining = remainingBytes { remainingBytes = remaining - got }
        }
        if remainingBytes == 0 { atEnd = true }
        framesRead += produced
        return produced
    }

    /// Decodes everything that is left, mixed to mono.
    public func readAllMono() throws(AudioError) -> [Float] {
        var out: [Float] = []
        if let frames = reservableFrameCount { out.reserveCapacity(frames) }
        while try readMono(maxFrames: 1 << 16, appendingTo: &out) > 0 {}
        return out
    }

    /// Reads `count` bytes of audio data into `scratch` (pushed-back bytes first); fewer at end of file.
    private func fill(_ count: Int) throws(AudioError) -> Int {
        if scratch.count < count { scratch = [UInt8](repeating: 0, count: count) }
        let fromPushback = min(pushback.count, count)
        if fromPushback > 0 {
            scratch.replaceSubrange(0..<fromPushback, with: pushback[0..<fromPushback])
            pushback.removeFirst(fromPushback)
        }
        var got = 0
        try scratch.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) in
            got = try input.read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[fromPushback..<count]))
        }
        return fromPushback + got
    }

    /// Converts `frames` interleaved frames at `raw` to mono Float samples.
    private func decodeMono(_ raw: UnsafeRawPointer, frames: Int, into output: inout [Float]) {
        let channels = format.channelCount
        let width = format.encoding.bytesPerSample
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: frames))
        output.withUnsafeMutableBufferPointer { out in
            let dst = out.baseAddress! + start
            let sample: (UnsafeRawPointer) -> Float
            switch format.encoding {
            case .unsignedInt8:
                sample = { p in (Float(p.load(as: UInt8.self)) - 128) * (1 / 128) }
            case .signedInt16:
                sample = { p in Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self))) * (1 / 32768) }
            case .signedInt24:
                sample = { p in
                    let u = UInt32(p.load(as: UInt8.self)) | UInt32(p.load(fromByteOffset: 1, as: UInt8.self)) << 8
                        | UInt32(p.load(fromByteOffset: 2, as: UInt8.self)) << 16
                    return Float(Int32(bitPattern: u << 8) >> 8) * (1 / 8_388_608)
                }
            case .signedInt32:
                sample = { p in Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self))) * (1 / 2_147_483_648) }
            case .float32:
                sample = { p in
                    let v = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                    return v.isFinite ? min(max(v, -WAVReader.floatSampleLimit), WAVReader.floatSampleLimit) : 0
                }
            case .float64:
                sample = { p in
                    let v = Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
                    let limit = Double(WAVReader.floatSampleLimit)
                    return v.isFinite ? Float(min(max(v, -limit), limit)) : 0
                }
            }
            if channels == 1 {
                for f in 0..<frames { dst[f] = sample(raw + f * width) }
            } else {
                let scale = 1 / Float(channels)
                let frameBytes = channels * width
                for f in 0..<frames {
                    var p = raw + f * frameBytes
                    var sum: Float = 0
                    for _ in 0..<channels {
                        sum += sample(p)
                        p += width
                    }
                    dst[f] = sum * scale
                }
            }
        }
    }
}

/// Mono audio at a given sample rate.
public struct MonoAudio: Equatable, Sendable {
    public var samples: [Float]
    public var sampleRate: Int

    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Length in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}

/// Walks the RIFF chunks of a WAV file up to the start of its `data` chunk.
struct WAVHeaderParser {
    struct Result {
        var format: WAVFormat
        /// Size of the audio data in bytes, or nil for "until the end of the file".
        var dataSize: Int?
    }

    let input: any ByteInput
    /// Bytes read beyond the header (at most one, after a missing pad byte), to be read as data.
    private(set) var pushback: [UInt8] = []

    init(input: any ByteInput) { self.input = input }

    private var file: String { input.name }

    /// Reads `count` bytes, taking pushed-back bytes first; fewer only at end of file.
    private mutating func read(_ count: Int) throws(AudioError) -> [UInt8] {
        let taken = Array(pushback.prefix(count))
        pushback.removeFirst(taken.count)
        return taken + (try input.readBytes(count - taken.count))
    }

    /// Skips `count` bytes, pushed-back bytes first.
    private mutating func skip(_ count: Int) throws(AudioError) {
        let taken = min(pushback.count, count)
        pushback.removeFirst(taken)
        try input.skip(count - taken)
    }

    private static func printableID(_ bytes: ArraySlice<UInt8>) -> String {
        String(bytes.map { $0 >= 0x20 && $0 <= 0x7E ? Character(Unicode.Scalar($0)) : "?" })
    }

    private static func isChunkID(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.count == 4 && bytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }

    mutating func parse() throws(AudioError) -> Result {
        let riff = try read(12)
        if riff.isEmpty { throw AudioError.emptyFile(file: file) }
        let magic = String(decoding: riff.prefix(4), as: UTF8.self)
        let isRIFF = magic == "RIFF" || magic == "RF64"
        if riff.count < 12 {
            if isRIFF || Array("RIFF".utf8).starts(with: riff) {
                throw AudioError.truncatedHeader(file: file, detail: "the file is only \(riff.count) bytes long")
            }
            throw AudioError.notWAV(file: file, kind: FileSignature.describe(riff))
        }
        guard isRIFF, riff[8..<12].elementsEqual("WAVE".utf8) else {
            let more = try read(52)  // a longer look helps tell text from binary
            throw AudioError.notWAV(file: file, kind: FileSignature.describe(riff + more))
        }

        var format: WAVFormat?
        var rf64DataSize: Int?
        var previousChunkWasOdd = false
        while true {
            // Chunk header; after an odd-sized chunk, first the pad byte — unless the writer left it out.
            var header = try read(previousChunkWasOdd ? 9 : 8)
            if previousChunkWasOdd && !header.isEmpty {
                let padMissing = header.count >= 8 && Self.isChunkID(header[0..<4])
                    && !(header.count == 9 && Self.isChunkID(header[1..<5]))
                if padMissing {
                    if header.count == 9 { pushback.insert(header.removeLast(), at: 0) }
                } else {
                    header.removeFirst()
                }
            }
            if header.isEmpty {
                if format == nil { throw AudioError.missingFormatChunk(file: file) }
                throw AudioError.missingDataChunk(file: file)
            }
            guard header.count == 8 else {
                throw AudioError.truncatedHeader(file: file, detail: "the file ends inside a chunk header")
            }
            let id = String(decoding: header[0..<4], as: UTF8.self)
            let sizeField = UInt32(header[4]) | UInt32(header[5]) << 8 | UInt32(header[6]) << 16 | UInt32(header[7]) << 24
            // On 32-bit targets (WebAssembly) a size past Int.max cannot be held in memory anyway.
            let size = Int(exactly: sizeField) ?? Int.max
            previousChunkWasOdd = size % 2 == 1

            switch id {
            case "fmt ":
                // A real fmt chunk is 16 to 40 bytes; read what matters of an oversized one, skip the rest.
                let keep = min(size, 256)
                let body = try read(keep)
                guard body.count == keep else {
                    throw AudioError.truncatedHeader(file: file, detail: "the file ends inside the 'fmt ' chunk")
                }
                try skip(size - keep)
                if format == nil { format = try WAVFormat.parse(fmtChunk: body, file: file) }
            case "ds64":
                // RF64: 64-bit RIFF size, data size and sample count replace the 0xFFFFFFFF fields.
                let keep = min(size, 256)
                let body = try read(keep)
                if body.count >= 16 {
                    var v: UInt64 = 0
                    for i in (8..<16).reversed() { v = v << 8 | UInt64(body[i]) }
                    if v > 0, v < UInt64(Int.max) { rf64DataSize = Int(v) }
                }
                try skip(size - keep)
            case "data":
                guard let format else { throw AudioError.missingFormatChunk(file: file) }
                var dataSize: Int? = size
                if sizeField == UInt32.max { dataSize = rf64DataSize }  // RF64 or a streaming writer
                if size == 0 { dataSize = nil }
                return Result(format: format, dataSize: dataSize)
            default:
                // A chunk that claims more bytes than the file has left hides whatever follows it.
                if let left = input.bytesRemaining(), size > left + pushback.count {
                    throw AudioError.truncatedHeader(file: file, detail: "the '\(Self.printableID(header[0..<4]))' chunk claims "
                        + "\(size) bytes, but only \(left + pushback.count) follow it (the 'data' chunk cannot come after it)")
                }
                try skip(size)
            }
        }
    }
}
