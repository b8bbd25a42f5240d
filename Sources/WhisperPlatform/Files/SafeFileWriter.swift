#if canImport(Glibc)
import Glibc
import WhisperCore
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why a file could not be written. The target is untouched in every case.
package struct FileWriteError: Error, CustomStringConvertible, Equatable {
    package let path: String
    package let reason: String
    package var description: String { "\(path): \(reason)" }

    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// A file's identity: device and inode. Two names of one file (hard links, symbolic links,
/// `./a` and `a`) have the same identity; that is what "the input is its own output" compares.
package struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64

    /// The identity of the file `path` names (following symbolic links), nil if there is none.
    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// The one way the program writes a file — transcripts, quantized and converted models, downloads.
///
/// The rule: the contents go to a temporary file `.NAME.partial-PID` in the target's directory,
/// which is renamed over the target only when completely written and flushed, so a complete-looking
/// file is always complete and a failure leaves the old file as it was. Before anything is written
/// the target is checked: it is refused when it exists and is not a regular file (a directory, a
/// device, a pipe, a symbolic link) or when it is one of the program's inputs (compared by device
/// and inode, not by name). Nothing is ever deleted but the writer's own temporary files.
package enum SafeFileWriter {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var protected: [FileIdentity: String] = [:]
    nonisolated(unsafe) private static var temporaries: Set<String> = []

    /// Marks `path` as an input: no output may replace it. Paths that do not exist are ignored.
    package static func protect(_ path: String) {
        guard let identity = FileIdentity(path: path) else { return }
        lock.lock(); protected[identity] = path; lock.unlock()
    }

    /// Forgets every protected input (tests).
    package static func unprotectAll() {
        lock.lock(); protected.removeAll(); lock.unlock()
    }

    /// Throws when `path` may not be written: it exists and is not a regular file, or it is an input.
    package static func checkTarget(_ path: String) throws(FileWriteError) {
        if path.isEmpty { throw FileWriteError(path: "''", reason: "an empty file name") }
        var info = stat()
        if lstat(path, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            if kind != S_IFREG {
                throw FileWriteError(path: path, reason: "exists and is \(describe(kind)), not a regular file; not replaced")
            }
        }
        if let identity = FileIdentity(path: path) {
            lock.lock()
            let input = protected[identity]
            lock.unlock()
            if let input {
                throw FileWriteError(path: path, reason: input == path
                    ? "is an input of this run; it would be overwritten by its own output (choose another output name or --output-dir)"
                    : "is the same file as the input \(input); it would be overwritten (choose another output name or --output-dir)")
            }
        }
    }

    /// Writes `text` to `path` by the rule above.
    package static func write(_ text: String, to path: String) throws {
        var copy = text
        try write(to: path) { sink in
            try copy.withUTF8 { bytes in try sink.write(UnsafeRawBufferPointer(bytes)) }
        }
    }

    /// Writes what `produce` gives its sink to `path` by the rule above.
    /// Errors `produce` throws are passed on (the target untouched); the writer's own are `FileWriteError`.
    package static func write(to path: String, _ produce: (inout FileSink) throws -> Void) throws {
        try checkTarget(path)
        let (directory, name) = split(path)
        try createDirectory(directory, for: path)
        removeStalePartials(of: name, in: directory)
        let temporary = (directory.isEmpty ? "" : directory + "/") + partialName(of: name, pid: getpid())
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw FileWriteError(path: path, reason: "cannot create a temporary file in \(directory.isEmpty ? "." : directory): \(errnoText())")
        }
        register(temporary)
        var finished = false
        defer {
            if !finished { unlink(temporary) }
            unregister(temporary)
        }
        var sink = FileSink(descriptor: fd, path: path)
        do {
            try produce(&sink)
        } catch {
            close(fd)
            throw error
        }
        if fsync(fd) != 0 && errno != EINVAL {
            let reason = errnoText()
            close(fd)
            throw FileWriteError(path: path, reason: "cannot write: \(reason)")
        }
        guard close(fd) == 0 else { throw FileWriteError(path: path, reason: "cannot write: \(errnoText())") }
        // The target may have changed while we wrote (another program): check again just before.
        try checkTarget(path)
        guard rename(temporary, path) == 0 else {
            throw FileWriteError(path: path, reason: "cannot move the finished file into place: \(errnoText())")
        }
        finished = true
    }

    /// `.NAME.partial-PID`: the temporary name of `NAME` while process PID writes it. A run that is
    /// killed outright (SIGKILL, power loss) leaves it behind; the next write of NAME in that
    /// directory removes it once PID is no longer running.
    package static func partialName(of name: String, pid: Int32) -> String { ".\(name).partial-\(pid)" }

    /// Deletes every temporary file being written right now (on an interrupt); returns how many.
    @discardableResult
    package static func removeTemporaryFiles() -> Int {
        lock.lock()
        defer { lock.unlock() }
        for path in temporaries { unlink(path) }
        let count = temporaries.count
        temporaries.removeAll()
        return count
    }

    /// Registers a temporary file written by someone else (a download), so an interrupt removes it.
    package static func register(_ temporary: String) {
        lock.lock(); temporaries.insert(temporary); lock.unlock()
    }

    package static func unregister(_ temporary: String) {
        lock.lock(); temporaries.remove(temporary); lock.unlock()
    }

    /// Removes `.NAME.partial-PID` files in `directory` whose process no longer runs.
    package static func removeStalePartials(of name: String, in directory: String) {
        let prefix = "." + name + ".partial-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                let path = (directory.isEmpty ? "" : directory + "/") + entry
                var info = stat()
                if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG { unlink(path) }
            }
        }
    }

    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    private static func createDirectory(_ directory: String, for path: String) throws(FileWriteError) {
        guard !directory.isEmpty else { return }
        var info = stat()
        if stat(directory, &info) == 0 {
            if (info.st_mode & S_IFMT) != S_IFDIR {
                throw FileWriteError(path: path, reason: "\(directory) is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError(path: path, reason: "cannot create the folder \(directory): \(error.localizedDescription)")
        }
    }

    private static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }
}

/// Where a `SafeFileWriter` producer writes: the temporary file, with every byte accounted for.
package struct FileSink {
    let descriptor: Int32
    let path: String
    /// Bytes written so far.
    package private(set) var count = 0

    package mutating func write(_ bytes: UnsafeRawBufferPointer) throws(FileWriteError) {
        if let failure = writeFully(descriptor, bytes) {
            throw FileWriteError(path: path, reason: "cannot write: \(failure)")
        }
        count += bytes.count
    }

    package mutating func write(_ bytes: [UInt8]) throws(FileWriteError) {
        let failure = bytes.withUnsafeBytes { (raw) -> FileWriteError? in
            do throws(FileWriteError) { try write(raw); return nil } catch { return error }
        }
        if let failure { throw failure }
    }
}

/// write(2) until all of `bytes` is written (again after a signal's interruption); the error's
/// text on failure, nil on success.
package func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
    guard var base = bytes.baseAddress else { return nil }
    var left = bytes.count
    while left > 0 {
        let written = write(descriptor, base, left)
        if written < 0 {
            if errno == EINTR { continue }
            return errnoText()
        }
        base += written
        left -= written
    }
    return nil
}

/// The text of the current `errno`.
package func errnoText() -> String { String(cString: strerror(errno)) }
