#if canImport(Glibc)
import Glibc
import WhisperCore
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A temporary file that lives exactly as long as this object: created in the temporary directory
/// (`TMPDIR`, else /tmp) and unlinked at once, so it disappears when it is closed — and even when
/// the process is killed. Reads and writes are positioned (`pread`/`pwrite`): no shared file offset.
final class ScratchFile {
    /// Where the file was created (it has no name any more once created; this is for messages).
    let path: String
    private let descriptor: Int32
    /// Bytes written so far (the end of the furthest write).
    private(set) var size: Int = 0

    /// Creates and unlinks `<directory>/<prefix>XXXXXX`; `directory` defaults to the temporary directory.
    init(directory: String? = nil, prefix: String) throws(AudioError) {
        let base = directory ?? FileManager.default.temporaryDirectory.path
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast())
            + Array("\(prefix)XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let created = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        guard fd >= 0 else {
            throw AudioError.temporaryFileFailed(path: created, reason: FileInput.errorText(errno))
        }
        _ = unlink(created)
        path = created
        descriptor = fd
    }

    deinit {
        _ = close(descriptor)
    }

    /// Writes all of `bytes` at byte `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(AudioError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, base + done, bytes.count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                let reason = n < 0 ? FileInput.errorText(errno) : "nothing could be written"
                throw AudioError.temporaryFileFailed(path: path, reason: reason)
            }
        }
        size = max(size, offset + bytes.count)
    }

    /// Fills all of `buffer` from byte `offset`; reading past what was written is an error.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(AudioError) {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                let reason = n < 0 ? FileInput.errorText(errno)
                    : "it ends at byte \(offset + done), before the \(buffer.count) bytes asked for at \(offset)"
                throw AudioError.temporaryFileFailed(path: path, reason: reason)
            }
        }
    }
}
