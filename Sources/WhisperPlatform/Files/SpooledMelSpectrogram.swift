import WhisperCore

/// The log-mel spectrogram of a recording of any length, computed in one streaming pass and kept in
/// a temporary file, so memory does not grow with the recording: hours of audio are fine.
///
/// Whisper normalizes the spectrogram with the maximum over the *whole* recording
/// (`LogMelSpectrogram`, step 8), so no window can be finished before the last sample has been
/// seen. The pass therefore streams the audio (decoding, resampling) through the local steps 1–7
/// (`LogMelSpectrogram.rawLogMel`, 30 s of frames at a time, carrying the 200 samples of context each
/// frame needs across chunk boundaries), keeps the running maximum and appends the raw frames to an
/// unlinked temporary file, frame-major (one 30 s window is one contiguous read). `readWindow` then
/// reads a window back and normalizes it with the final maximum. Every value equals what
/// `LogMelSpectrogram.compute` gives for the same samples in memory, bit for bit.
///
/// Why a temporary file rather than reading the audio a second time: the audio is decoded and
/// resampled once (resampling is the costlier half of the front end), a pipe or standard input —
/// which cannot be read twice — works as well as a file, and windows can be read in any order.
/// The price is disk space: 4 bytes per mel band per 10 ms, about 32 KB per second of audio with
/// 80 bands (115 MB per hour), freed as soon as this object is released.
///
/// Memory: one step of samples and frames (about 2 MB) during the pass, then one window (about
/// 1 MB with 80 bands) for reading back.
public final class SpooledMelSpectrogram: MelWindowSource {
    public let melCount: Int
    /// Samples (16 kHz) of the recording that was converted: what the stream held after the skipped
    /// samples, up to the limit.
    public let sampleCount: Int
    /// Samples skipped at the start (fewer than asked when the stream ended first).
    public let skippedSamples: Int
    /// Frames of the spectrogram, the appended 30 s of silence included: ⌊(sampleCount + 480 000) / 160⌋.
    public let frameCount: Int
    /// The largest raw log10 mel value of the recording, the reference of the normalization.
    public let maximum: Float
    public var contentFrames: Int { frameCount - LogMelSpectrogram.framesPerWindow }

    /// Frames kept in the file: every frame whose samples reach into the recording. Later frames
    /// hold only the appended silence (raw value `LogMelSpectrogram.logFloor`) and are not stored.
    let storedFrames: Int
    /// The most 16 kHz samples held in memory at once during the pass.
    let peakBufferedSamples: Int
    private let file: ScratchFile
    /// One window of raw frames read back from the file, frame-major.
    private var rawWindow: [Float]

    /// Frames computed per step of the pass (30 s: enough parallel work, little memory).
    static let framesPerStep = LogMelSpectrogram.framesPerWindow

    /// Reads `stream` to its end (or until `limit` samples have been taken after skipping `skip`),
    /// computing the raw log-mel spectrogram of what it takes with `frontEnd`. The skipped samples
    /// are decoded but not converted: the taken part is treated as a recording of its own, exactly as
    /// `LogMelSpectrogram.compute` treats an array holding just those samples.
    ///
    /// - Parameter temporaryDirectory: where the spool file is created (default: `TMPDIR`, else /tmp).
    public init(stream: Mono16kStream, frontEnd: LogMelSpectrogram, skipping skip: Int = 0, limit: Int? = nil,
                executor: ParallelExecutor = .serial, temporaryDirectory: String? = nil) throws {
        melCount = frontEnd.melCount
        file = try ScratchFile(directory: temporaryDirectory, prefix: "whisper-mel-")
        var pass = SpoolingPass(frontEnd: frontEnd, file: file, executor: executor, step: Self.framesPerStep)
        var toSkip = max(0, skip)
        var skipped = 0
        let wanted = limit.map { max(0, $0) }
        while wanted.map({ pass.received < $0 }) ?? true, let chunk = try stream.next() {
            var piece = chunk[...]
            if toSkip > 0 {
                let dropped = min(toSkip, piece.count)
                piece = piece.dropFirst(dropped)
                toSkip -= dropped
                skipped += dropped
            }
            if let wanted { piece = piece.prefix(wanted - pass.received) }
            try pass.append(piece)
        }
        let (samples, stored) = try pass.finish()
        sampleCount = samples
        skippedSamples = skipped
        frameCount = LogMelSpectrogram.frameCount(sampleCount: samples)
        storedFrames = stored
        maximum = pass.maximum
        peakBufferedSamples = pass.peakBufferedSamples
        rawWindow = [Float](repeating: 0, count: melCount * LogMelSpectrogram.framesPerWindow)
    }

    public func readWindow(start: Int, count: Int, into window: UnsafeMutableBufferPointer<Float>) throws(AudioError) {
        checkWindowRequest(start: start, count: count, window: window, frameCount: frameCount)
        let width = LogMelSpectrogram.framesPerWindow
        let melCount = melCount
        let stored = max(0, min(count, storedFrames - start))
        if stored > 0 {
            let bytes = stored * melCount * MemoryLayout<Float>.size
            try rawWindow.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<bytes]),
                              at: start * melCount * MemoryLayout<Float>.size)
            }
        }
        // Step 8, as `LogMelSpectrogram.normalize` computes it, while turning frames into rows.
        let floor = maximum - 8
        let silence = (Swift.max(LogMelSpectrogram.logFloor, floor) + 4) / 4
        rawWindow.withUnsafeBufferPointer { raw in
            for m in 0..<melCount {
                let row = window.baseAddress! + m * width
                var value = raw.baseAddress! + m
                for t in 0..<stored {
                    row[t] = (Swift.max(value.pointee, floor) + 4) / 4
                    value += melCount
                }
                (row + stored).update(repeating: silence, count: count - stored)
                (row + count).update(repeating: 0, count: width - count)
            }
        }
    }
}

/// The state of `SpooledMelSpectrogram`'s pass: a sliding buffer of samples, the frames written so
/// far and the running maximum.
private struct SpoolingPass {
    let frontEnd: LogMelSpectrogram
    let file: ScratchFile
    let executor: ParallelExecutor
    let step: Int
    /// Samples `bufferStart ..< bufferStart + buffer.count` of the recording.
    private var buffer: [Float] = []
    private var bufferStart = 0
    private(set) var received = 0
    private var nextFrame = 0
    private(set) var maximum = LogMelSpectrogram.logFloor
    private(set) var peakBufferedSamples = 0
    /// One step of frames as `rawLogMel` writes them ([mel][frame]) and as the file stores them ([frame][mel]).
    private var rows: [Float]
    private var columns: [Float]

    init(frontEnd: LogMelSpectrogram, file: ScratchFile, executor: ParallelExecutor, step: Int) {
        self.frontEnd = frontEnd
        self.file = file
        self.executor = executor
        self.step = step
        rows = [Float](repeating: 0, count: frontEnd.melCount * step)
        columns = rows
    }

    /// Takes the next samples of the recording and converts every step whose samples are all here.
    mutating func append(_ samples: ArraySlice<Float>) throws {
        buffer += samples
        received += samples.count
        peakBufferedSamples = max(peakBufferedSamples, buffer.count)
        while true {
            let frames = nextFrame..<(nextFrame + step)
            guard LogMelSpectrogram.requiredSamples(forFrames: frames).upperBound <= received else { break }
            try spool(frames, sampleCount: nil)
        }
    }

    /// Converts the remaining frames once the recording's length is known; returns that length and
    /// the number of frames stored.
    mutating func finish() throws -> (sampleCount: Int, storedFrames: Int) {
        let n = received
        // Frame f reads samples 160·f − 200 ..< 160·f + 200: from ⌊(n + 199) / 160⌋ + 1 on, none of
        // them is in the recording, so the frame is silence (`logFloor`, which adds nothing to the maximum).
        let end = min(LogMelSpectrogram.frameCount(sampleCount: n),
                      (n + LogMelSpectrogram.fftSize / 2 - 1) / LogMelSpectrogram.hopLength + 1)
        while nextFrame < end {
            try spool(nextFrame..<min(end, nextFrame + step), sampleCount: n)
        }
        return (n, nextFrame)
    }

    /// Computes `frames` (at most one step), appends them to the file and drops the samples no
    /// later frame needs.
    private mutating func spool(_ frames: Range<Int>, sampleCount: Int?) throws {
        let melCount = frontEnd.melCount
        let (frontEnd, executor, step, start) = (frontEnd, executor, step, bufferStart)
        let pieceMaximum = buffer.withUnsafeBufferPointer { input in
            rows.withUnsafeMutableBufferPointer { out in
                frontEnd.rawLogMel(frames: frames, window: input, windowStart: start, sampleCount: sampleCount,
                                   into: out.baseAddress!, rowStride: step, executor: executor)
            }
        }
        maximum = max(maximum, pieceMaximum)
        rows.withUnsafeBufferPointer { rows in
            columns.withUnsafeMutableBufferPointer { columns in
                for m in 0..<melCount {
                    let row = rows.baseAddress! + m * step
                    var out = columns.baseAddress! + m
                    for t in 0..<frames.count {
                        out.pointee = row[t]
                        out += melCount
                    }
                }
            }
        }
        let size = MemoryLayout<Float>.size
        try columns.withUnsafeBytes { bytes in
            try file.write(UnsafeRawBufferPointer(rebasing: bytes[0..<(frames.count * melCount * size)]),
                           at: frames.lowerBound * melCount * size)
        }
        nextFrame = frames.upperBound
        let keepFrom = LogMelSpectrogram.requiredSamples(forFrames: nextFrame..<(nextFrame + 1)).lowerBound
        let drop = min(buffer.count, keepFrom - bufferStart)
        if drop > 0 {
            buffer.removeFirst(drop)
            bufferStart += drop
        }
    }
}
