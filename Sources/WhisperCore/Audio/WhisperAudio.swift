/// The audio framing every Whisper model was trained on (OpenAI's `whisper/audio.py`), defined
/// once: the front end, the encoder and the seek loop all count in these units.
public enum WhisperAudio {
    /// Samples per second.
    public static let sampleRate = 16_000
    /// Samples per FFT frame (25 ms).
    public static let fftSize = 400
    /// Samples between mel frames (10 ms).
    public static let hopLength = 160
    /// Mel frames in one 30-second window, the encoder's input.
    public static let framesPerWindow = 3000
}
