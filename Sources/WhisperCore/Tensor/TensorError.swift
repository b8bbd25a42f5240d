/// Errors of the tensor kernels' public entry points (sizes that do not fit a storage type).
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// `count` values of `type` are not a whole number of its blocks.
    case notWholeBlocks(type: GGMLTensorType, count: Int)

    public var description: String {
        switch self {
        case let .notWholeBlocks(type, count):
            return "\(count) values cannot be stored as \(type): that type packs values in blocks of \(type.blockSize)"
        }
    }
}
