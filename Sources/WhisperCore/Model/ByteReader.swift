/// A bounds-checked little-endian cursor over a file's bytes. Every read that would run past the
/// end throws `ModelLoadError.truncated` naming what was being read.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    private(set) var offset: Int = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    mutating func int32(_ what: @autoclosure () -> String) throws(ModelLoadError) -> Int32 {
        guard remaining >= 4 else { throw truncated(what()) }
        let value = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
        offset += 4
        return value
    }

    mutating func uint32(_ what: @autoclosure () -> String) throws(ModelLoadError) -> UInt32 {
        UInt32(bitPattern: try int32(what()))
    }

    /// A view of the next `count` bytes (no copy).
    mutating func slice(_ count: Int, _ what: @autoclosure () -> String) throws(ModelLoadError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw truncated(what()) }
        let view = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        offset += count
        return view
    }

    func truncated(_ what: String) -> ModelLoadError {
        ModelLoadError(path: path, reason: .truncated(whileReading: what, offset: offset))
    }
}
