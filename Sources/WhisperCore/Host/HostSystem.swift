/// What the engine needs from the system it runs on beyond the standard library: a clock, memory
/// with known limits, locks, and files. A platform layer supplies it (`WhisperPlatform` on Linux and
/// macOS, the WASI module's own on WebAssembly) through `Host.install`.
///
/// Without one the core still runs, on the standard library alone: one thread, Swift's allocator
/// (sizes checked for overflow only), timings that read 0, and no files.
public protocol HostSystem: AnyObject {
    /// Seconds on a monotonic clock; only differences are used (stage timings).
    func seconds() -> Double
    /// Bytes this process may use in all (physical memory, or a container's limit), nil if unknown.
    var memoryLimit: Int? { get }
    /// Bytes this process holds now (its resident set), 0 if unknown.
    var residentBytes: Int { get }
    /// `byteCount` bytes aligned to `alignment`, nil when the system refuses. `streamed`: the buffer
    /// is read in full by every decoding step (a host may back it with huge pages).
    func allocate(byteCount: Int, alignment: Int, streamed: Bool) -> UnsafeMutableRawPointer?
    /// Releases memory from `allocate`.
    func deallocate(_ pointer: UnsafeMutableRawPointer)
    /// Hands the whole pages inside `range` back to the system; they read back as zeros (anonymous
    /// memory) or from the file (a mapping). Partial pages at the edges are kept.
    func releasePages(_ range: UnsafeRawBufferPointer)
    /// A new lock that the thread holding it may take again (recursive).
    func makeLock() -> any HostLock
    /// The bytes of the file at `path`, mapped or read; throws the reason it cannot.
    func mapFile(_ path: String) throws(HostFileError) -> any ModelBytes
    /// Whether a regular file exists at `path`.
    func fileExists(_ path: String) -> Bool
}

/// A lock from `HostSystem.makeLock`.
public protocol HostLock: AnyObject {
    func lock()
    func unlock()
}

/// Why a host could not open a file (for messages: "No such file or directory").
public struct HostFileError: Error, Equatable, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// The installed `HostSystem`, if any.
public enum Host {
    nonisolated(unsafe) public private(set) static var system: (any HostSystem)?
    /// One lock for the core's few shared tables (scratch buffers); nil without a host (one thread).
    nonisolated(unsafe) package private(set) static var sharedLock: (any HostLock)?

    /// Installs `system` for the whole process. Call it once, before the engine is used from
    /// more than one thread.
    public static func install(_ system: any HostSystem) {
        sharedLock = system.makeLock()
        self.system = system
    }

    /// Seconds on the host's clock, 0 without a host.
    @inline(__always) package static func seconds() -> Double { system?.seconds() ?? 0 }

    /// Runs `body` holding the shared lock (when there is one).
    @inline(__always)
    package static func withSharedLock<R>(_ body: () -> R) -> R {
        let lock = sharedLock
        lock?.lock()
        defer { lock?.unlock() }
        return body()
    }
}
