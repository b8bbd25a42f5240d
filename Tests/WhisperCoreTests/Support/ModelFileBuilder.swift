import Foundation
@testable import WhisperCore
@testable import WhisperPlatform

/// Writes small whisper.cpp-format model files for tests: a complete, valid architecture with tiny
/// widths (the vocabulary size must still be Whisper's), whose parts tests then break on purpose.
struct ModelFileBuilder {
    struct Tensor {
        var name: String
        var dims: [Int]
        var type: Int32
        var data: [UInt8]
    }

    var header: [Int32]
    var filterMels: Int32
    var filterBins: Int32 = 201
    var vocabulary: [[UInt8]]
    var tensors: [Tensor] = []

    /// A valid English-only model: d = 4, one head, one layer each side, 80 mels.
    static func tiny(nVocab: Int = 51864, state d: Int = 4, nMels: Int = 80, audioCtx: Int = 1500,
                     textCtx: Int = 8, seed: UInt64 = 1) -> ModelFileBuilder {
        var b = ModelFileBuilder(
            header: [0x6767_6d6c, Int32(nVocab), Int32(audioCtx), Int32(d), 1, 1, Int32(textCtx), Int32(d), 1, 1, Int32(nMels), 1],
            filterMels: Int32(nMels),
            vocabulary: (0..<256).map { [UInt8($0)] })
        var rng = seed
        func values(_ n: Int) -> [Float] {
            (0..<n).map { _ in
                rng = rng &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int(rng >> 40) % 2001 - 1000) / 4000
            }
        }
        func f32(_ name: String, _ dims: [Int]) {
            let v = values(dims.reduce(1, *))
            b.tensors.append(Tensor(name: name, dims: dims, type: 0, data: v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }))
        }
        func f16(_ name: String, _ dims: [Int]) {
            let v = values(dims.reduce(1, *))
            b.tensors.append(Tensor(name: name, dims: dims, type: 1, data: v.flatMap { withUnsafeBytes(of: Float16(Float($0)).bitPattern.littleEndian, Array.init) }))
        }
        func linear(_ p: String, _ i: Int, _ o: Int, bias: Bool = true) {
            f16(p + ".weight", [i, o])
            if bias { f32(p + ".bias", [o]) }
        }
        func norm(_ p: String) { f32(p + ".weight", [d]); f32(p + ".bias", [d]) }
        func attention(_ p: String) {
            linear(p + ".query", d, d); linear(p + ".key", d, d, bias: false)
            linear(p + ".value", d, d); linear(p + ".out", d, d)
        }
        f32("encoder.positional_embedding", [d, audioCtx])
        f16("encoder.conv1.weight", [3, nMels, d]); f32("encoder.conv1.bias", [1, d])
        f16("encoder.conv2.weight", [3, d, d]); f32("encoder.conv2.bias", [1, d])
        attention("encoder.blocks.0.attn"); norm("encoder.blocks.0.attn_ln")
        linear("encoder.blocks.0.mlp.0", d, 4 * d); linear("encoder.blocks.0.mlp.2", 4 * d, d)
        norm("encoder.blocks.0.mlp_ln"); norm("encoder.ln_post")
        f32("decoder.positional_embedding", [d, textCtx])
        f16("decoder.token_embedding.weight", [d, nVocab])
        attention("decoder.blocks.0.attn"); norm("decoder.blocks.0.attn_ln")
        attention("decoder.blocks.0.cross_attn"); norm("decoder.blocks.0.cross_attn_ln")
        linear("decoder.blocks.0.mlp.0", d, 4 * d); linear("decoder.blocks.0.mlp.2", 4 * d, d)
        norm("decoder.blocks.0.mlp_ln"); norm("decoder.ln")
        return b
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        header.forEach(i32)
        i32(filterMels); i32(filterBins)
        for i in 0..<Int(filterMels) * Int(filterBins) { withUnsafeBytes(of: Float(i % 7).bitPattern.littleEndian) { out += $0 } }
        i32(Int32(vocabulary.count))
        for token in vocabulary { i32(Int32(token.count)); out += token }
        for t in tensors {
            i32(Int32(t.dims.count)); i32(Int32(t.name.utf8.count)); i32(t.type)
            t.dims.forEach { i32(Int32($0)) }
            out += Array(t.name.utf8)
            out += t.data
        }
        return out
    }

    /// Writes the file into a fresh temporary directory and returns its path.
    func write(name: String = "model.bin") throws -> String {
        try TemporaryFiles.write(bytes(), name: name)
    }
}

enum TemporaryFiles {
    static func directory() throws -> URL {
        let dir = TestScratch.path("files")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let url = try directory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}
