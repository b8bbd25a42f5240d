/// WhisperCore: Whisper speech-to-text inference in pure Swift.
public enum WhisperCore {
    public static let version = "0.1.0"
}
