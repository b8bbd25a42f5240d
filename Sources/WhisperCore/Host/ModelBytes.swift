/// The bytes of a model file as the loaders read them: mapped from a file by a host, or a copy in
/// memory (`HeapBytes`). The owner keeps them valid for its lifetime.
public protocol ModelBytes: AnyObject {
    /// The file's name or path, for messages.
    var path: String { get }
    /// The whole file.
    var bytes: UnsafeRawBufferPointer { get }
    /// True when pages can be dropped and read again from the file (a mapping); then
    /// `releasePages` lets the system take them back.
    var isMapped: Bool { get }
    /// Drops the resident copy of the whole pages inside `range` (part of `bytes`) when mapped.
    func releasePages(_ range: UnsafeRawBufferPointer)
}

/// Model bytes held in memory: a copy of a buffer (a download in progress, a test's crafted file,
/// a file read whole where nothing can be mapped).
public final class HeapBytes: ModelBytes, @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawBufferPointer
    public var isMapped: Bool { false }

    /// A copy of `contents`, named `path` in messages. Throws when the memory is not there.
    public init(copying contents: UnsafeRawBufferPointer, path: String) throws(AllocationError) {
        self.path = path
        let buffer = try MemoryBudget.allocateBytes(max(contents.count, 1), alignment: 64,
                                                    for: "a copy of the model file \(path)")
        if contents.count > 0 { buffer.copyMemory(from: contents) }
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: contents.count)
    }

    /// Takes over `count` bytes at `pointer`, allocated with `MemoryBudget.allocateBytes`.
    package init(adopting pointer: UnsafeMutableRawPointer, count: Int, path: String) {
        self.path = path
        bytes = UnsafeRawBufferPointer(start: pointer, count: count)
    }

    public func releasePages(_ range: UnsafeRawBufferPointer) {}

    deinit {
        if let base = bytes.baseAddress { MemoryBudget.deallocate(UnsafeMutableRawPointer(mutating: base)) }
    }
}
