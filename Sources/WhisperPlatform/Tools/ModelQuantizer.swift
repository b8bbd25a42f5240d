import Foundation
import WhisperCore

/// Writes a quantized copy of an f16/f32 whisper.cpp model, byte for byte as whisper.cpp's
/// `quantize` tool writes it:
/// - the header's `ftype` becomes `2 * 1000 + file type` (GGML quantization version 2);
/// - the mel filterbank and vocabulary are copied unchanged;
/// - every 2-D tensor except the positional embeddings is converted to f32 and quantized with
///   GGML's reference quantizer; all other tensors (1-D vectors, conv biases, the 3-D conv kernels)
///   are copied as they are.
public enum ModelQuantizer {
    /// GGML's quantization version, as whisper.cpp's quantizer writes it into `ftype`.
    public static let quantizationVersion = 2

    /// Tensors whisper.cpp never quantizes, though they are 2-D.
    public static let keptTensors: Set<String> = [
        "encoder.conv1.bias", "encoder.conv2.bias", "encoder.positional_embedding", "decoder.positional_embedding",
    ]

    public enum Failure: Error, CustomStringConvertible {
        case notAQuantizedType(GGMLTensorType)
        case alreadyQuantized(path: String, tensor: String, type: GGMLTensorType)
        case rowsNotWholeBlocks(path: String, tensor: String, columns: Int, type: GGMLTensorType)

        public var description: String {
            switch self {
            case .notAQuantizedType(let type):
                return "\(type) is not a quantized type (use q4_0, q4_1, q5_0, q5_1 or q8_0)"
            case .alreadyQuantized(let path, let tensor, let type):
                return "\(path): tensor '\(tensor)' is already \(type); quantize from an f16 or f32 model"
            case .rowsNotWholeBlocks(let path, let tensor, let columns, let type):
                return "\(path): tensor '\(tensor)' has rows of \(columns) values, not whole \(type) blocks of 32"
            }
        }
    }

    /// GGML's *file* type number for a quantized tensor type (the header numbering).
    public static func fileType(of type: GGMLTensorType) -> Int? {
        switch type {
        case .q4_0: return 2
        case .q4_1: return 3
        case .q8_0: return 7
        case .q5_0: return 8
        case .q5_1: return 9
        case .f32, .f16: return nil
        }
    }

    /// Quantizes `input` into a new file at `outputPath`, written by `SafeFileWriter`'s rule
    /// (a temporary file renamed into place; never over a directory, a device or an input).
    public static func quantize(_ input: GGMLModelFile, to type: GGMLTensorType, outputPath: String,
                                progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws {
        guard let fileType = fileType(of: type) else { throw Failure.notAQuantizedType(type) }
        try SafeFileWriter.write(to: outputPath) { sink in
            try write(input, as: type, fileType: fileType, into: &sink, progress: progress)
        }
    }

    private static func write(_ input: GGMLModelFile, as type: GGMLTensorType, fileType: Int, into out: inout FileSink,
                              progress: ((_ done: Int, _ total: Int) -> Void)?) throws {
        var file = GGMLFileBuilder()
        var h = input.hyperparameters
        h.rawFileType = quantizationVersion * 1000 + fileType
        file.header(h, filters: input.melFilters, vocabulary: input.vocabulary)
        try file.flush(into: &out)

        // Tensors, in file order.
        var floats: [Float] = []
        for (index, name) in input.tensorOrder.enumerated() {
            guard let info = input.tensors[name] else { continue }
            let quantize = info.dims.count == 2 && !keptTensors.contains(name)
            if quantize {
                guard info.type == .f32 || info.type == .f16 else {
                    throw Failure.alreadyQuantized(path: input.path, tensor: name, type: info.type)
                }
                guard info.dims[0] % type.blockSize == 0 else {
                    throw Failure.rowsNotWholeBlocks(path: input.path, tensor: name, columns: info.dims[0], type: type)
                }
            }
            file.tensorHeader(name: name, type: quantize ? type : info.type, dims: info.dims)
            let source = input.data(of: info)
            if quantize {
                let count = info.elementCount
                if floats.count < count { floats = [Float](repeating: 0, count: count) }
                floats.withUnsafeMutableBufferPointer { f in
                    if info.type == .f16 {
                        HalfPrecision.convert(halfBits: source, count: count, into: f.baseAddress!)
                    } else {
                        for i in 0..<count {
                            f[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                        }
                    }
                }
                try floats.withUnsafeBufferPointer { try file.quantized(UnsafeBufferPointer(rebasing: $0[0..<count]), as: type) }
            } else {
                file.raw(UnsafeRawBufferPointer(start: source, count: info.byteCount))
            }
            try file.flush(into: &out)
            progress?(index + 1, input.tensorOrder.count)
        }
    }
}
