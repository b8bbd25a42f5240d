import Foundation
import WhisperCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory side of `PlatformHost`: what the process may use, an allocator that reports failure,
/// huge pages for streamed buffers, and giving pages back.
enum SystemMemory {
    /// Fixes glibc's mmap threshold at 1 MB, so every large block is mapped on allocation and
    /// unmapped on release. By default glibc raises the threshold to the size of each large block
    /// freed (up to 32 MB), after which the engine's per-window buffers came from the heap; mixed
    /// with the results that accumulate over a recording, they fragmented it and memory grew with
    /// the audio's length (about 4 MB a minute with the real tiny.en). Run once, before the first
    /// model is loaded; a no-op elsewhere.
    static let configureAllocator: Void = {
        #if canImport(Glibc)
        // mallopt is in <malloc.h>, which the Glibc module does not import; M_MMAP_THRESHOLD is -3.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 1 << 20)
        }
        #endif
    }()

    /// The memory this process may use in bytes: physical memory, or the cgroup limit when lower.
    static var limit: Int {
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        guard let limit = cgroupLimit, limit > 0 else { return physical }
        return physical > 0 ? min(physical, limit) : limit
    }

    /// The memory limit of the process's cgroup (v2 `memory.max`, v1 `memory.limit_in_bytes`), if any.
    static let cgroupLimit: Int? = {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if value == "max" { return nil }
            // cgroup v1 writes a huge number (about 2^63) for "no limit".
            if let bytes = Int(value), bytes < Int.max / 2 { return bytes }
        }
        return nil
    }()

    /// Bytes the process holds in memory now (resident set), 0 where unknown.
    static var residentBytes: Int {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return 0
        #endif
    }

    /// `count` bytes aligned to `alignment`, nil when the allocator refuses.
    static func allocate(_ count: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, max(alignment, MemoryLayout<Int>.size), max(count, 1)) == 0 else { return nil }
        return pointer
    }

    /// Bytes of a transparent huge page on Linux (x86-64, and arm64 with 4 KB pages).
    static let hugePageBytes = 2 << 20

    /// For a buffer that every decoding step reads in full (the decoder's weights, the
    /// cross-attention cache): on Linux, whole 2 MB pages marked for transparent huge pages.
    /// A tiny token reads about 66 MB, which in 4 KB pages is 16,000 pages and as many page-table
    /// walks; from huge pages the logits product ran about 8 % faster and cross-attention about 13 %
    /// (medians of alternating runs). Costs at most one partly used 2 MB page per buffer.
    ///
    /// The pages are mapped directly (mmap) and unmapped on release, never taken from malloc's heap:
    /// these buffers are released and made again for every 30 s window, and glibc, which raises its
    /// mmap threshold after the first such free, then served them from the heap with 2 MB alignment,
    /// fragmenting it — memory grew by about 4 MB per minute of audio.
    static func allocateStreamed(_ count: Int) -> UnsafeMutableRawPointer? {
        #if os(Linux)
        let rounded = (max(count, 1) + hugePageBytes - 1) / hugePageBytes * hugePageBytes
        let mapped = rounded + hugePageBytes
        guard let raw = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED else { return nil }
        // Keep the 2 MB-aligned part; give back what lies before and after it.
        let address = Int(bitPattern: raw)
        let aligned = (address + hugePageBytes - 1) / hugePageBytes * hugePageBytes
        let head = aligned - address
        if head > 0 { munmap(raw, head) }
        let tail = mapped - head - rounded
        let start = raw + head
        if tail > 0 { munmap(start + rounded, tail) }
        _ = madvise(start, rounded, Int32(MADV_HUGEPAGE))
        mappingsLock.lock()
        mappings[start] = rounded
        mappingsLock.unlock()
        return start
        #else
        return allocate(count, alignment: 64)
        #endif
    }

    /// Buffers of `allocateStreamed`: start → mapped length.
    nonisolated(unsafe) private static var mappings: [UnsafeMutableRawPointer: Int] = [:]
    private static let mappingsLock = NSLock()

    /// Releases memory from `allocate` or `allocateStreamed`.
    static func deallocate(_ pointer: UnsafeMutableRawPointer) {
        mappingsLock.lock()
        let mapped = mappings.removeValue(forKey: pointer)
        mappingsLock.unlock()
        if let mapped {
            munmap(pointer, mapped)
            return
        }
        free(pointer)
    }

    /// Hands the whole pages inside `range` back to the system (`madvise(MADV_DONTNEED)`): anonymous
    /// memory reads back as zeros, a file mapping reads back from the file.
    static func releaseWholePages(_ range: UnsafeRawBufferPointer) {
        guard let start = range.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let end = (Int(bitPattern: start) + range.count) / page * page
        guard end > first, let address = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(address, end - first, MADV_DONTNEED)
    }
}
