import Foundation
@testable import WhisperCore
@testable import WhisperPlatform

/// A minimal reader of whisper.cpp GGML model files for tests: the tensors' names, types, shapes and
/// bytes (the header, mel filters and vocabulary are skipped). Not the engine's loader.
struct GGMLTestFile {
    struct Tensor {
        let type: GGMLTensorType
        let dims: [Int]
        let data: Data
        var count: Int { dims.reduce(1, *) }
    }

    let tensors: [String: Tensor]
    let order: [String]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var offset = 0
        func int32() throws -> Int {
            guard offset + 4 <= data.count else { throw ParseError(path: path, what: "truncated at \(offset)") }
            let v = data.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
            offset += 4
            return Int(v)
        }
        guard try int32() == 0x6767_6d6c else { throw ParseError(path: path, what: "not a GGML file") }
        for _ in 0..<11 { _ = try int32() }
        let mels = try int32(), fft = try int32()
        offset += mels * fft * 4
        let words = try int32()
        for _ in 0..<words { offset += try int32() }
        var tensors: [String: Tensor] = [:]
        var order: [String] = []
        while offset < data.count {
            let dimCount = try int32(), nameLength = try int32(), rawType = try int32()
            guard let type = GGMLTensorType(rawValue: Int32(rawType)), (1...4).contains(dimCount) else {
                throw ParseError(path: path, what: "bad tensor header at \(offset)")
            }
            let dims = try (0..<dimCount).map { _ in try int32() }
            let name = String(decoding: data[offset..<(offset + nameLength)], as: UTF8.self)
            offset += nameLength
            guard let size = type.byteCount(elements: dims.reduce(1, *)), offset + size <= data.count else {
                throw ParseError(path: path, what: "bad tensor \(name)")
            }
            tensors[name] = Tensor(type: type, dims: dims, data: data.subdata(in: offset..<(offset + size)))
            order.append(name)
            offset += size
        }
        self.tensors = tensors
        self.order = order
    }

    struct ParseError: Error, CustomStringConvertible {
        let path: String
        let what: String
        var description: String { "\(path): \(what)" }
    }
}
