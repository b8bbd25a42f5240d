/// Where the transcription loop reads its 30-second windows of the normalized log-mel spectrogram.
///
/// The loop needs one window at a time (`framesPerWindow` frames from wherever it has got to), so
/// the spectrogram need not be in memory as a whole: `MelSpectrogram` holds it all (short
/// recordings), `SpooledMelSpectrogram` keeps it in a temporary file (recordings of any length).
/// Both hold the same values, so a transcription does not depend on which is used.
public protocol MelWindowSource {
    /// Mel bands per frame.
    var melCount: Int { get }
    /// Frames (10 ms each) of the recording itself, without the 30 s of silence appended to it.
    var contentFrames: Int { get }
    /// Writes frames `start ..< start + count` into `window`, laid out `[melCount][framesPerWindow]`,
    /// and zeros after the first `count` columns of each row (Whisper pads a short window with zeros).
    /// Needs `count ≤ framesPerWindow`, `window.count ≥ melCount · framesPerWindow` and the frames
    /// within the spectrogram (its content and the appended silence).
    func readWindow(start: Int, count: Int, into window: UnsafeMutableBufferPointer<Float>) throws(AudioError)
}

extension MelWindowSource {
    /// Frames per encoder window (30 s).
    public static var framesPerWindow: Int { LogMelSpectrogram.framesPerWindow }

    package func checkWindowRequest(start: Int, count: Int, window: UnsafeMutableBufferPointer<Float>, frameCount: Int) {
        precondition(start >= 0 && count >= 0 && count <= LogMelSpectrogram.framesPerWindow
                     && start + count <= frameCount, "readWindow: frames \(start)..<\(start + count) are not in the spectrogram")
        precondition(window.count >= melCount * LogMelSpectrogram.framesPerWindow, "readWindow: the window buffer is too small")
    }
}

extension MelSpectrogram: MelWindowSource {
    /// The frames before the appended 30 s of silence: `frameCount − 3000` for a spectrogram made by
    /// `LogMelSpectrogram.compute`.
    public var contentFrames: Int { max(0, frameCount - LogMelSpectrogram.framesPerWindow) }

    public func readWindow(start: Int, count: Int, into window: UnsafeMutableBufferPointer<Float>) throws(AudioError) {
        checkWindowRequest(start: start, count: count, window: window, frameCount: frameCount)
        let width = LogMelSpectrogram.framesPerWindow
        values.withUnsafeBufferPointer { source in
            for m in 0..<melCount {
                let row = window.baseAddress! + m * width
                if count > 0 { row.update(from: source.baseAddress! + m * frameCount + start, count: count) }
                (row + count).update(repeating: 0, count: width - count)
            }
        }
    }
}
