// The engine's host on WASI: the monotonic clock, the module's own allocator, no threads (locks
// that do nothing), files read whole into linear memory.

final class WASIHost: HostSystem {
    func seconds() -> Double { WASI.seconds() }
    /// A 32-bit module can address 4 GiB; the host may allow less, and says so by refusing to grow.
    var memoryLimit: Int? { nil }
    var residentBytes: Int { Int(Allocator.top) }
    func allocate(byteCount: Int, alignment: Int, streamed: Bool) -> UnsafeMutableRawPointer? {
        Allocator.allocate(byteCount, alignment: alignment)
    }
    func deallocate(_ pointer: UnsafeMutableRawPointer) { Allocator.release(pointer) }
    func releasePages(_ range: UnsafeRawBufferPointer) {}
    func makeLock() -> any HostLock { NoLock() }
    func mapFile(_ path: String) throws(HostFileError) -> any ModelBytes { try WASIFile.read(path) }
    func fileExists(_ path: String) -> Bool {
        let (fd, _) = WASI.open(path)
        guard let fd else { return false }
        defer { WASI.close(fd) }
        return WASI.fileSize(fd) != nil
    }
}

/// One thread: nothing to exclude.
final class NoLock: HostLock {
    func lock() {}
    func unlock() {}
}

enum WASIFile {
    /// The whole file at `path` in one buffer of linear memory (the model: read once, no second copy).
    static func read(_ path: String) throws(HostFileError) -> HeapBytes {
        let (opened, errno) = WASI.open(path)
        guard let fd = opened else { throw HostFileError(reason: WASI.describe(errno)) }
        defer { WASI.close(fd) }
        guard let size = WASI.fileSize(fd) else { throw HostFileError(reason: "it is not a regular file") }
        guard let buffer = Allocator.allocate(max(size, 1), alignment: 64) else {
            throw HostFileError(reason: "cannot allocate \(size) bytes for it")
        }
        var offset = 0
        while offset < size {
            let (got, status) = WASI.read(fd, into: UnsafeMutableRawBufferPointer(start: buffer + offset, count: min(size - offset, 1 << 24)))
            if status != 0 {
                Allocator.release(buffer)
                throw HostFileError(reason: WASI.describe(status))
            }
            if got == 0 { break }
            offset += got
        }
        return HeapBytes(adopting: buffer, count: offset, path: path)
    }
}

/// A file or standard input read through WASI, as the WAV reader's byte stream.
final class WASIInput: ByteInput {
    let name: String
    private let fd: Int32
    private let closes: Bool
    private var position = 0

    init(fd: Int32, name: String, closes: Bool) {
        self.fd = fd
        self.name = name
        self.closes = closes
    }

    deinit { if closes { WASI.close(fd) } }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(AudioError) -> Int {
        var total = 0
        while total < buffer.count {
            let (got, status) = WASI.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if status != 0 { throw AudioError.readFailed(file: name, reason: WASI.describe(status)) }
            if got == 0 { break }
            total += got
        }
        position += total
        return total
    }

    func skip(_ count: Int) throws(AudioError) {
        guard count > 0 else { return }
        var scratch = [UInt8](repeating: 0, count: min(count, 1 << 16))
        var remaining = count
        while remaining > 0 {
            let want = min(remaining, scratch.count)
            var got = 0
            try scratch.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) in
                got = try read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<want]))
            }
            if got < want { return }
            remaining -= got
        }
    }

    func bytesRemaining() -> Int? { WASI.fileSize(fd).map { max(0, $0 - position) } }
}
