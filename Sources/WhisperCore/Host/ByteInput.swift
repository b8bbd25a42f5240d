/// A forward-only source of bytes: a file, a pipe, standard input (from a host), or a buffer in
/// memory (`MemoryInput`). Errors are `AudioError`s naming `name`: the WAV reader is its user.
public protocol ByteInput: AnyObject {
    /// The source's name for messages (a path, "stdin").
    var name: String { get }
    /// Reads up to `buffer.count` bytes, fewer only at the end. Returns the number read.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(AudioError) -> Int
    /// Skips `count` bytes; skipping past the end is not an error (the next read finds nothing).
    func skip(_ count: Int) throws(AudioError)
    /// Bytes left before the end when the source knows its length (a regular file), nil otherwise.
    func bytesRemaining() -> Int?
}

extension ByteInput {
    /// Reads up to `count` bytes into a new array (shorter only at the end).
    func readBytes(_ count: Int) throws(AudioError) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        try bytes.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) in got = try read(into: UnsafeMutableRawBufferPointer(buffer)) }
        if got < count { bytes.removeLast(count - got) }
        return bytes
    }
}

/// Bytes in memory read as a `ByteInput` (a WAV file already loaded, a test's crafted header).
public final class MemoryInput: ByteInput {
    public let name: String
    private let data: [UInt8]
    private var position = 0

    public init(_ data: [UInt8], name: String) {
        self.data = data
        self.name = name
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(AudioError) -> Int {
        let count = min(buffer.count, data.count - position)
        guard count > 0, let base = buffer.baseAddress else { return 0 }
        data.withUnsafeBytes { base.copyMemory(from: $0.baseAddress! + position, byteCount: count) }
        position += count
        return count
    }

    public func skip(_ count: Int) throws(AudioError) {
        position = min(data.count, position + max(0, count))
    }

    public func bytesRemaining() -> Int? { data.count - position }
}
