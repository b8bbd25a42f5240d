// The C allocator's functions over WebAssembly's linear memory, for the Swift runtime and the
// engine (malloc, free, posix_memalign, calloc, realloc, aligned_alloc).
//
// Memory starts at the end of the static data and grows by whole 64 KiB pages only when nothing
// freed fits, so the module's memory is what the run needed at its peak — a model read once, one
// window's activations — not a reservation. Small blocks (up to 2 KiB) come in seven size classes
// carved from 64 KiB slabs and are recycled by class; large blocks are 64-byte aligned, kept in an
// address-ordered free list, split on allocation and merged with free neighbours on release.
// A block's 16 bytes before its payload say what it is: (size, kind).

@_extern(c, "whisper_heap_base") func wasmHeapBase() -> UInt
@_extern(c, "whisper_memory_pages") func wasmMemoryPages() -> UInt
@_extern(c, "whisper_memory_grow") func wasmMemoryGrow(_ pages: UInt) -> Int

enum Allocator {
    static let pageBytes: UInt = 65_536
    static let kindSmall: UInt32 = 1, kindLarge: UInt32 = 2, kindShifted: UInt32 = 3
    static let smallClasses = 7                           // 32, 64, ..., 2048 bytes with the header
    static let largeHeader: UInt = 64                     // keeps large payloads 64-byte aligned

    nonisolated(unsafe) static var top: UInt = 0          // first byte never handed out
    nonisolated(unsafe) static var end: UInt = 0          // end of linear memory
    nonisolated(unsafe) static var largeFree: UInt = 0    // first free large block (its start), 0: none
    nonisolated(unsafe) static var smallFree: (UInt, UInt, UInt, UInt, UInt, UInt, UInt) = (0, 0, 0, 0, 0, 0, 0)
    /// Bytes of linear memory in use at most (for the memory report).
    nonisolated(unsafe) static var peakTop: UInt = 0

    @inline(__always) static func word(_ address: UInt) -> UnsafeMutablePointer<UInt> {
        UnsafeMutablePointer<UInt>(bitPattern: address)!
    }
    @inline(__always) static func header(_ payload: UInt) -> (size: UInt, kind: UInt32) {
        let p = UnsafeMutablePointer<UInt32>(bitPattern: payload - 16)!
        return (UInt(p[0]), p[1])
    }
    @inline(__always) static func setHeader(_ payload: UInt, size: UInt, kind: UInt32) {
        let p = UnsafeMutablePointer<UInt32>(bitPattern: payload - 16)!
        p[0] = UInt32(truncatingIfNeeded: size)
        p[1] = kind
    }

    static func smallHead(_ c: Int) -> UInt {
        switch c {
        case 0: return smallFree.0
        case 1: return smallFree.1
        case 2: return smallFree.2
        case 3: return smallFree.3
        case 4: return smallFree.4
        case 5: return smallFree.5
        default: return smallFree.6
        }
    }
    static func setSmallHead(_ c: Int, _ value: UInt) {
        switch c {
        case 0: smallFree.0 = value
        case 1: smallFree.1 = value
        case 2: smallFree.2 = value
        case 3: smallFree.3 = value
        case 4: smallFree.4 = value
        case 5: smallFree.5 = value
        default: smallFree.6 = value
        }
    }

    /// Raises `top` by `bytes` (a multiple of 64), growing linear memory as needed; 0 if it cannot.
    static func carve(_ bytes: UInt) -> UInt {
        if top == 0 {
            top = (wasmHeapBase() + 63) & ~63
            end = wasmMemoryPages() * pageBytes
        }
        let start = top
        let (newTop, overflow) = top.addingReportingOverflow(bytes)
        if overflow { return 0 }
        if newTop > end {
            let pages = (newTop - end + pageBytes - 1) / pageBytes
            guard wasmMemoryGrow(pages) >= 0 else { return 0 }
            end += pages * pageBytes
        }
        top = newTop
        if top > peakTop { peakTop = top }
        return start
    }

    // MARK: small blocks

    static func allocateSmall(_ size: UInt) -> UInt {
        var c = 0
        var blockBytes: UInt = 32
        while blockBytes - 16 < size { blockBytes <<= 1; c += 1 }
        let head = smallHead(c)
        if head != 0 {
            setSmallHead(c, word(head).pointee)
            return head
        }
        // A new slab of 64 KiB (a large block, never released), cut into blocks of this class.
        let slab = allocateLarge(pageBytes - largeHeader)
        guard slab != 0 else { return 0 }
        var offset: UInt = 0
        var first: UInt = 0
        var previous: UInt = 0
        while offset + blockBytes <= pageBytes - largeHeader {
            let payload = slab + offset + 16
            setHeader(payload, size: UInt(c), kind: kindSmall)
            if first == 0 { first = payload } else { word(previous).pointee = payload }
            previous = payload
            offset += blockBytes
        }
        word(previous).pointee = 0
        setSmallHead(c, word(first).pointee)
        return first
    }

    // MARK: large blocks (a block: `largeHeader` bytes, then the payload; size counts both)

    static func blockSize(_ size: UInt) -> UInt? {
        let (total, overflow) = size.addingReportingOverflow(largeHeader + 63)
        return overflow ? nil : total & ~63
    }

    static func allocateLarge(_ size: UInt) -> UInt {
        guard let total = blockSize(size) else { return 0 }
        // First fit in the address-ordered free list (the list links live in the free payloads).
        var previous: UInt = 0
        var block = largeFree
        while block != 0 {
            let payload = block + largeHeader
            let available = header(payload).size
            let next = word(payload).pointee
            if available >= total {
                if available - total >= 256 {
                    // Split: the tail stays free, in this block's place in the list.
                    let rest = block + total
                    setHeader(rest + largeHeader, size: available - total, kind: kindLarge)
                    word(rest + largeHeader).pointee = next
                    link(previous, to: rest)
                    setHeader(payload, size: total, kind: kindLarge)
                } else {
                    link(previous, to: next)
                }
                return payload
            }
            previous = block
            block = next
        }
        let start = carve(total)
        guard start != 0 else { return 0 }
        setHeader(start + largeHeader, size: total, kind: kindLarge)
        return start + largeHeader
    }

    @inline(__always) static func link(_ previous: UInt, to block: UInt) {
        if previous == 0 { largeFree = block } else { word(previous + largeHeader).pointee = block }
    }

    static func releaseLarge(_ payload: UInt) {
        var block = payload - largeHeader
        var size = header(payload).size
        // Find the neighbours in address order.
        var previous: UInt = 0
        var next = largeFree
        while next != 0 && next < block {
            previous = next
            next = word(next + largeHeader).pointee
        }
        // Merge with the following free block.
        if next != 0 && block + size == next {
            size += header(next + largeHeader).size
            next = word(next + largeHeader).pointee
        }
        // Merge with the preceding free block.
        if previous != 0 && previous + header(previous + largeHeader).size == block {
            block = previous
            size += header(previous + largeHeader).size
            var before: UInt = 0
            var cursor = largeFree
            while cursor != previous { before = cursor; cursor = word(cursor + largeHeader).pointee }
            previous = before
        }
        // The block at the top of the heap gives its bytes back to the top.
        if block + size == top {
            top = block
            link(previous, to: next)
            return
        }
        setHeader(block + largeHeader, size: size, kind: kindLarge)
        word(block + largeHeader).pointee = next
        link(previous, to: block)
    }

    // MARK: the C functions

    static func allocate(_ size: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        let size = UInt(max(size, 1))
        if alignment <= 16 && size <= 2048 - 16 {
            return UnsafeMutableRawPointer(bitPattern: allocateSmall(size))
        }
        if alignment <= 64 {
            return UnsafeMutableRawPointer(bitPattern: allocateLarge(size))
        }
        // Wider alignment: a larger block, the payload moved up, a header that points back.
        let (padded, overflow) = size.addingReportingOverflow(UInt(alignment) + 16)
        guard !overflow else { return nil }
        let payload = allocateLarge(padded)
        guard payload != 0 else { return nil }
        let aligned = (payload + 16 + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
        setHeader(aligned, size: aligned - payload, kind: kindShifted)
        return UnsafeMutableRawPointer(bitPattern: aligned)
    }

    static func release(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        var payload = UInt(bitPattern: pointer)
        var h = header(payload)
        if h.kind == kindShifted {
            payload -= h.size
            h = header(payload)
        }
        if h.kind == kindSmall {
            let c = Int(h.size)
            word(payload).pointee = smallHead(c)
            setSmallHead(c, payload)
        } else if h.kind == kindLarge {
            releaseLarge(payload)
        }
    }

    /// Bytes usable at `pointer` (for realloc).
    static func usableSize(_ pointer: UnsafeMutableRawPointer) -> UInt {
        var payload = UInt(bitPattern: pointer)
        var h = header(payload)
        var shift: UInt = 0
        if h.kind == kindShifted { shift = h.size; payload -= shift; h = header(payload) }
        if h.kind == kindSmall { return (32 << h.size) - 16 - shift }
        return h.size - largeHeader - shift
    }
}

// The C names (malloc, free, posix_memalign, ...) are reserved in Swift: runtime.c defines them
// as calls to these.
@_cdecl("whisper_allocate")
func whisperAllocate(_ size: Int, _ alignment: Int) -> UnsafeMutableRawPointer? {
    Allocator.allocate(size, alignment: alignment)
}

@_cdecl("whisper_release")
func whisperRelease(_ pointer: UnsafeMutableRawPointer?) { Allocator.release(pointer) }

@_cdecl("whisper_reallocate")
func whisperReallocate(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let pointer else { return Allocator.allocate(size, alignment: 16) }
    let old = Allocator.usableSize(pointer)
    if UInt(max(size, 0)) <= old { return pointer }
    guard let fresh = Allocator.allocate(size, alignment: 16) else { return nil }
    fresh.copyMemory(from: pointer, byteCount: Int(old))
    Allocator.release(pointer)
    return fresh
}
