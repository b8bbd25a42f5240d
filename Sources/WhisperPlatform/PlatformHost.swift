import Foundation
import WhisperCore

/// The engine's `HostSystem` on Linux and macOS: Foundation's clock, the C allocator with the
/// process's memory limits, NSRecursiveLock, memory-mapped files. Installed by `PlatformHost.install()`,
/// which every entry point of this module calls (loading a model or audio from a path, a
/// transcriber with threads): a program that imports WhisperPlatform need not call it itself.
public final class PlatformHost: HostSystem {
    private init() {}

    /// Installs the platform host once (later calls do nothing).
    public static func install() { _ = installed }

    private static let installed: Void = {
        SystemMemory.configureAllocator
        Host.install(PlatformHost())
    }()

    private let start = DispatchTime.now().uptimeNanoseconds
    public func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    public var memoryLimit: Int? { let limit = SystemMemory.limit; return limit > 0 ? limit : nil }
    public var residentBytes: Int { SystemMemory.residentBytes }

    public func allocate(byteCount: Int, alignment: Int, streamed: Bool) -> UnsafeMutableRawPointer? {
        streamed ? SystemMemory.allocateStreamed(byteCount) : SystemMemory.allocate(byteCount, alignment: alignment)
    }

    public func deallocate(_ pointer: UnsafeMutableRawPointer) { SystemMemory.deallocate(pointer) }
    public func releasePages(_ range: UnsafeRawBufferPointer) { SystemMemory.releaseWholePages(range) }
    public func makeLock() -> any HostLock { RecursiveLock() }

    public func mapFile(_ path: String) throws(HostFileError) -> any ModelBytes {
        do {
            return try MappedFile(path: path)
        } catch let error as ModelLoadError {
            if case .cannotOpen(let reason) = error.reason { throw HostFileError(reason: reason) }
            throw HostFileError(reason: error.description)
        } catch {
            throw HostFileError(reason: "\(error)")
        }
    }

    public func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}

private final class RecursiveLock: HostLock {
    private let base = NSRecursiveLock()
    func lock() { base.lock() }
    func unlock() { base.unlock() }
}
