/// Checked allocation of the engine's large buffers: sizes are multiplied with overflow checks,
/// compared with the memory the host says the process may still use, and allocated with the
/// host's allocator, which reports failure (Swift's traps) — each failure becomes an
/// `AllocationError` that says how many bytes were needed and for what.
///
/// The ceiling is the memory the process may have less what it already holds: Linux would accept
/// a larger request, then kill the process when the pages are touched. So a run is bounded as a
/// whole, not buffer by buffer. Without a host (`Host.install`) only overflow is caught.
package enum MemoryBudget {
    /// The memory this process may use in bytes, 0 when unknown.
    package static var physicalMemory: Int { Host.system?.memoryLimit ?? 0 }

    /// Bytes the process holds in memory now (resident set), 0 where unknown.
    package static var residentBytes: Int { Host.system?.residentBytes ?? 0 }

    /// Bytes for `count` elements of `elementBytes` each, nil when the product overflows.
    package static func byteCount(_ count: Int, elementBytes: Int) -> Int? {
        guard count >= 0, elementBytes >= 0 else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementBytes)
        return overflow ? nil : bytes
    }

    /// The product of `factors`, nil when it overflows (or a factor is negative).
    package static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = result.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            result = p
        }
        return result
    }

    /// The error for `bytes` (nil: an overflowed size) needed for `purpose`.
    static func failure(_ bytes: Int?, for purpose: String) -> AllocationError {
        let memory = physicalMemory
        return AllocationError(bytes: bytes, purpose: purpose, physicalMemory: memory > 0 ? memory : nil)
    }

    /// Throws `AllocationError` when `bytes` (nil: an overflowed size) cannot fit beside what the
    /// process already holds in the memory it may use.
    package static func require(bytes: Int?, for purpose: @autoclosure () -> String) throws(AllocationError) {
        let memory = physicalMemory
        guard let bytes, bytes >= 0, memory <= 0 || bytes <= memory - residentBytes else {
            throw failure(bytes, for: purpose())
        }
    }

    /// Allocates `count` bytes aligned to `alignment` (a power of two), uninitialised; release with
    /// `deallocate`. Throws `AllocationError` when the size is implausible or the allocator refuses.
    /// `streamed`: a buffer every decoding step reads in full (the decoder's weights, the
    /// cross-attention cache), which a host may place in huge pages.
    package static func allocateBytes(_ count: Int, alignment: Int, streamed: Bool = false,
                              for purpose: @autoclosure () -> String) throws(AllocationError) -> UnsafeMutableRawBufferPointer {
        try require(bytes: count, for: purpose())
        let size = max(count, 1)
        let alignment = max(alignment, MemoryLayout<Int>.size)
        guard let host = Host.system else {
            return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer.allocate(byteCount: size, alignment: alignment),
                                                 count: count)
        }
        guard let pointer = host.allocate(byteCount: size, alignment: alignment, streamed: streamed) else {
            throw failure(count, for: purpose())
        }
        return UnsafeMutableRawBufferPointer(start: pointer, count: count)
    }

    /// `allocateBytes` for a buffer that every decoding step reads in full.
    package static func allocateStreamedBytes(_ count: Int, for purpose: @autoclosure () -> String) throws(AllocationError) -> UnsafeMutableRawBufferPointer {
        try allocateBytes(count, alignment: 64, streamed: true, for: purpose())
    }

    /// Bytes of a huge page (2 MiB on Linux, x86-64 and arm64 with 4 KB pages): hosts may put streamed
    /// buffers in such pages, and the decoder sizes its pieces of them in these units.
    package static let hugePageBytes = 2 << 20

    /// Releases memory from `allocateBytes`.
    package static func deallocate(_ pointer: UnsafeMutableRawPointer) {
        if let host = Host.system {
            host.deallocate(pointer)
        } else {
            pointer.deallocate()
        }
    }
}

/// Hands the whole pages inside `range` back to the system (see `HostSystem.releasePages`).
func releaseWholePages(_ range: UnsafeRawBufferPointer) {
    Host.system?.releasePages(range)
}
