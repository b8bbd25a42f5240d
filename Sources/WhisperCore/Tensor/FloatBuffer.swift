/// A fixed-size, 64-byte aligned buffer of Floats for activations: allocated once, reused across
/// windows and tokens so that hot loops never touch the heap.
package final class FloatBuffer: @unchecked Sendable {
    package let count: Int
    package let pointer: UnsafeMutablePointer<Float>

    /// For buffers whose size is small and fixed by a validated model (a failed allocation traps);
    /// buffers that grow with options or input use `init(count:purpose:)`.
    package init(count: Int) {
        self.count = count
        guard let raw = try? MemoryBudget.allocateBytes(max(count, 1) * MemoryLayout<Float>.stride, alignment: 64,
                                                        for: "\(count) floats").baseAddress else {
            preconditionFailure("cannot allocate \(count) floats")
        }
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// Allocates `count` zeroed floats; throws `AllocationError` — saying how many bytes `purpose`
    /// needed — when the size overflows, exceeds the machine's memory or the allocator refuses.
    /// With `zeroed: false` the contents are unspecified and the pages are not touched (they count
    /// as resident memory only once written): for buffers always written before they are read.
    /// `streamed`: read in full by every decoding step (see `MemoryBudget.allocateStreamedBytes`).
    package init(count: Int, purpose: @autoclosure () -> String, zeroed: Bool = true, streamed: Bool = false) throws(AllocationError) {
        self.count = count
        let bytes = MemoryBudget.byteCount(max(count, 1), elementBytes: MemoryLayout<Float>.stride)
        guard count >= 0, let bytes else {
            throw MemoryBudget.failure(nil, for: purpose())
        }
        let raw = streamed ? try MemoryBudget.allocateStreamedBytes(bytes, for: purpose())
                           : try MemoryBudget.allocateBytes(bytes, alignment: 64, for: purpose())
        pointer = raw.baseAddress!.bindMemory(to: Float.self, capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: max(count, 1)) }
    }

    deinit {
        MemoryBudget.deallocate(UnsafeMutableRawPointer(pointer))
    }

    package var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// Gives the buffer's whole pages back to the system while keeping the allocation: resident
    /// memory drops now, and the pages come back, zeroed, when next written. For scratch whose
    /// contents are dead until the next full rewrite (the encoder's activations while the decoder
    /// runs). The contents become unspecified.
    package func releasePages() {
        releaseWholePages(UnsafeRawBufferPointer(start: pointer, count: count * MemoryLayout<Float>.stride))
    }

    package subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    package func toArray() -> [Float] { Array(buffer) }
}

/// A fixed-size, 64-byte aligned buffer of half-precision values (their bit patterns), for data
/// that is written once and then streamed many times, where half the bytes means half the time:
/// the decoder's cross-attention keys and values.
package final class HalfBuffer: @unchecked Sendable {
    package let count: Int
    package let bits: UnsafeMutablePointer<UInt16>

    /// Allocates `count` zeroed values; throws `AllocationError` naming `purpose` when it cannot.
    /// With `zeroed: false` the contents are unspecified and the pages untouched (as `FloatBuffer`'s).
    /// `streamed`: read in full by every decoding step (see `MemoryBudget.allocateStreamedBytes`).
    package init(count: Int, purpose: @autoclosure () -> String, zeroed: Bool = true, streamed: Bool = false) throws(AllocationError) {
        self.count = count
        let bytes = MemoryBudget.byteCount(max(count, 1), elementBytes: MemoryLayout<UInt16>.stride)
        guard count >= 0, let bytes else {
            throw MemoryBudget.failure(nil, for: purpose())
        }
        let raw = streamed ? try MemoryBudget.allocateStreamedBytes(bytes, for: purpose())
                           : try MemoryBudget.allocateBytes(bytes, alignment: 64, for: purpose())
        bits = raw.baseAddress!.bindMemory(to: UInt16.self, capacity: max(count, 1))
        if zeroed { bits.initialize(repeating: 0, count: max(count, 1)) }
    }

    deinit {
        MemoryBudget.deallocate(UnsafeMutableRawPointer(bits))
    }

    package var raw: UnsafeRawPointer { UnsafeRawPointer(bits) }

    /// Value `i` as a float (exact).
    package subscript(i: Int) -> Float { HalfPrecision.float(fromBits: bits[i]) }
}

/// `x[i] += y[i]` — the residual connections.
@inline(__always)
func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    var i = 0
    while i + 16 <= count {
        let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
        let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(x + i).storeBytes(of: a + b, as: SIMD16<Float>.self)
        i += 16
    }
    while i < count {
        x[i] += y[i]
        i += 1
    }
}
