import Foundation
import WhisperCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file, memory-mapped where the platform allows it (so loading a model costs no
/// copy of its weights), read into the heap otherwise (e.g. on WASI).
public final class MappedFile: ModelBytes, @unchecked Sendable {
    public let path: String
    /// The whole file. Valid for the lifetime of this object.
    public let bytes: UnsafeRawBufferPointer
    public let isMapped: Bool

    public init(path: String) throws {
        PlatformHost.install()
        self.path = path
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        // Look before opening: opening a named pipe that has no writer would block forever, and
        // only a regular file has a size to map.
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ModelLoadError(path: path, reason: .cannotOpen(String(cString: strerror(errno))))
        }
        if let kind = Self.nonRegularKind(info.st_mode) {
            throw ModelLoadError(path: path, reason: .cannotOpen("\(kind), not a model file"))
        }
        // O_NONBLOCK: should the path have become a pipe since, the open still returns.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else {
            throw ModelLoadError(path: path, reason: .cannotOpen(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else {
            throw ModelLoadError(path: path, reason: .cannotOpen(String(cString: strerror(errno))))
        }
        if let kind = Self.nonRegularKind(info.st_mode) {
            throw ModelLoadError(path: path, reason: .cannotOpen("\(kind), not a model file"))
        }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            isMapped = false
            return
        }
        if let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED {
            bytes = UnsafeRawBufferPointer(start: base, count: size)
            isMapped = true
            return
        }
        // The mapping failed (address space exhausted?): a copy would need as much memory again.
        try MemoryBudget.require(bytes: size, for: "a copy of the model file \(path)")
        #endif
        // Fallback: a plain read into one heap buffer.
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelLoadError(path: path, reason: .cannotOpen(error.localizedDescription))
        }
        let buffer = try MemoryBudget.allocateBytes(max(data.count, 1), alignment: 64,
                                                    for: "a copy of the model file \(path)")
        buffer.copyBytes(from: data)
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: data.count)
        isMapped = false
    }

    /// A heap copy of `contents`, named `path` in messages: parses a model held in memory (a
    /// download in progress, a test's crafted file) exactly as if it had been read from disk.
    public init(copying contents: UnsafeRawBufferPointer, path: String) throws {
        self.path = path
        let buffer = try MemoryBudget.allocateBytes(max(contents.count, 1), alignment: 64,
                                                    for: "a copy of the model file \(path)")
        if contents.count > 0 { buffer.copyMemory(from: contents) }
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: contents.count)
        isMapped = false
    }

    #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
    /// What a file that is not a regular file is, for messages ("it is a directory"); nil for a
    /// regular file.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "it is a directory"
        case S_IFIFO: return "it is a named pipe (FIFO)"
        case S_IFCHR: return "it is a character device"
        case S_IFBLK: return "it is a block device"
        case S_IFSOCK: return "it is a socket"
        default: return "it is not a regular file"
        }
    }
    #endif

    /// Drops this process's resident copy of the whole pages inside `range` (part of `bytes`): they
    /// stay in the system's file cache and come back on the next read, without I/O. Does nothing for
    /// a heap copy (whose pages are the only copy).
    public func releasePages(_ range: UnsafeRawBufferPointer) {
        guard isMapped, let start = range.baseAddress, let base = bytes.baseAddress,
              start >= base, start + range.count <= base + bytes.count else { return }
        SystemMemory.releaseWholePages(range)
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
            return
        }
        #endif
        MemoryBudget.deallocate(UnsafeMutableRawPointer(mutating: base))
    }
}
