import WhisperCore

// The engine reads models and audio from bytes; these are its entry points from file paths.
// Each installs the platform host first, so a program that imports WhisperPlatform needs no setup.

extension GGMLModelFile {
    /// Maps and parses the whisper.cpp model at `path`.
    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }
}

extension WhisperModel {
    /// Loads and validates a whisper.cpp GGML model. Throws `ModelLoadError` naming the file and
    /// the problem: unreadable, not a model, truncated, unknown tensor types, missing, duplicated or
    /// misshapen tensors.
    public convenience init(path: String) throws {
        try self.init(file: GGMLModelFile(path: path))
    }
}

extension SileroVADModel {
    /// Loads a Silero VAD model in whisper.cpp's GGML format; throws `VADModelError`.
    public convenience init(path: String) throws {
        PlatformHost.install()
        try self.init(loading: path)
    }
}

extension WAVReader {
    /// Opens `path` and parses the header up to the start of the audio data.
    public convenience init(path: String) throws {
        PlatformHost.install()
        try self.init(input: FileInput(path: path))
    }

    /// Reads from an open file descriptor (a file, a pipe, standard input); `name` is used in
    /// messages. The descriptor is closed when the reader is released if `closeWhenDone` is true.
    public convenience init(fileDescriptor: Int32, name: String, closeWhenDone: Bool = false) throws {
        PlatformHost.install()
        try self.init(input: FileInput(descriptor: fileDescriptor, name: name, closeWhenDone: closeWhenDone))
    }

    /// Reads a whole WAV file into memory, mixed to mono, at its own sample rate.
    public static func readMono(path: String) throws -> MonoAudio {
        let reader = try WAVReader(path: path)
        return MonoAudio(samples: try reader.readAllMono(), sampleRate: reader.sampleRate)
    }
}

extension Mono16kStream {
    /// Streams the WAV file at `path`.
    public convenience init(path: String) throws {
        try self.init(reader: WAVReader(path: path))
    }
}

extension AudioLoader {
    /// Decodes the WAV file at `path` to 16 kHz mono samples (see `loadMono16k(stream:)`).
    /// Throws the specific error (`AudioError`, `AllocationError`), not its `WhisperError` wrapper.
    public static func loadMono16k(path: String) throws -> [Float] {
        do {
            return try loadMono16k(stream: Mono16kStream(path: path))
        } catch let error as WhisperError {
            throw error.underlying
        }
    }
}
