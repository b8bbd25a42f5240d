import WhisperCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only byte source over a file descriptor: a regular file, a pipe or standard input.
///
/// Plain POSIX `read`/`lseek`, so it works alike on Linux and macOS and never loads a whole file.
/// Errors are reported as `AudioError` naming `name`.
final class FileInput: ByteInput {
    public let name: String
    private let descriptor: Int32
    private let closesDescriptor: Bool
    /// Bytes consumed so far (read or skipped).
    private(set) var position: Int = 0
    /// A byte read while opening a named pipe, served before the descriptor's next bytes.
    private var firstByte: [UInt8] = []

    /// Opens `path` for reading. A named pipe (FIFO) is opened without waiting for a writer: one
    /// that has no writer is refused at once rather than blocking forever; one with a writer (a
    /// process substitution, `mkfifo` with a producer already running) is read like any stream.
    init(path: String) throws(AudioError) {
        name = path
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw AudioError.cannotOpen(file: path, reason: "it is a directory")
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else {
            throw AudioError.cannotOpen(file: path, reason: FileInput.errorText(errno))
        }
        descriptor = fd
        closesDescriptor = true
        if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFIFO {
            // Still non-blocking: 0 bytes means no writer at all, EAGAIN a writer with nothing yet.
            var byte: UInt8 = 0
            var n: Int
            repeat {
                n = Self.systemRead(fd, &byte, 1)
            } while n < 0 && errno == EINTR
            if n == 0 {
                throw AudioError.cannotOpen(file: path, reason: "it is a named pipe (FIFO) with no writer")
            }
            if n == 1 { firstByte = [byte] }
        }
        // Reads block as usual from here on: a pipe's writer may be slower than the reader.
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
    }

    /// Reads from an already open descriptor (e.g. 0 for standard input); `name` is used in messages.
    init(descriptor: Int32, name: String, closeWhenDone: Bool) {
        self.name = name
        self.descriptor = descriptor
        closesDescriptor = closeWhenDone
    }

    deinit {
        if closesDescriptor { _ = close(descriptor) }
    }

    /// Reads up to `buffer.count` bytes, fewer only at end of file. Returns the number read.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(AudioError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var total = 0
        if let byte = firstByte.first {
            base.storeBytes(of: byte, as: UInt8.self)
            firstByte = []
            total = 1
        }
        while total < buffer.count {
            let n = Self.systemRead(descriptor, base + total, buffer.count - total)
            if n > 0 {
                total += n
            } else if n == 0 {
                break  // end of file
            } else if errno != EINTR {
                throw AudioError.readFailed(file: name, reason: FileInput.errorText(errno))
            }
        }
        position += total
        return total
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Darwin)
        return Darwin.read(fd, buffer, count)
        #elseif canImport(Musl)
        return Musl.read(fd, buffer, count)
        #else
        return Glibc.read(fd, buffer, count)
        #endif
    }

    /// Skips `count` bytes: seeks where the descriptor allows it, reads and discards otherwise (pipes).
    /// Skipping past the end of the file is not an error; the next read just finds nothing.
    public func skip(_ count: Int) throws(AudioError) {
        guard count > 0 else { return }
        if lseek(descriptor, off_t(count), SEEK_CUR) >= 0 {
            position += count
            return
        }
        var remaining = count
        var scratch = [UInt8](repeating: 0, count: min(count, 1 << 16))
        while remaining > 0 {
            let want = min(remaining, scratch.count)
            var got = 0
            try scratch.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) in
                got = try read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<want]))
            }
            if got < want { return }  // end of file
            remaining -= got
        }
    }

    /// Bytes left before the end of the file, when it is a regular file (nil for pipes and the like).
    public func bytesRemaining() -> Int? {
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return max(0, Int(status.st_size) - position)
    }

    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
