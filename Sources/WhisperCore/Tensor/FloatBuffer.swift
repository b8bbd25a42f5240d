/// A fixed-size, 64-byte aligned buffer of Floats for activations: allocated once, reused across
/// windows and tokens so that hot loops never touch the heap.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    public func toArray() -> [Float] { Array(buffer) }
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
