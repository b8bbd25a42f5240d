import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file, memory-mapped where the platform allows it (so loading a model costs no
/// copy of its weights), read into the heap otherwise (e.g. on WASI).
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// The whole file. Valid for the lifetime of this object.
    public let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    public init(path: String) throws {
        self.path = path
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ModelLoadError(path: path, reason: .cannotOpen(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ModelLoadError(path: path, reason: .cannotOpen(String(cString: strerror(errno))))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ModelLoadError(path: path, reason: .cannotOpen("not a regular file"))
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
        #endif
        // Fallback: a plain read into one heap buffer.
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelLoadError(path: path, reason: .cannotOpen(error.localizedDescription))
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 64)
        buffer.copyBytes(from: data)
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: data.count)
        isMapped = false
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
            return
        }
        #endif
        base.deallocate()
    }
}
