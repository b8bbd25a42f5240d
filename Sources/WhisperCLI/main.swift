import WhisperCore
print("whisper-cli \(WhisperCore.version)")
