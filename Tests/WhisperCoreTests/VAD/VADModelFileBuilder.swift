import Foundation
@testable import WhisperCore
@testable import WhisperPlatform

/// Writes small Silero VAD files in whisper.cpp's VAD GGML format for loader tests: a consistent
/// architecture with tiny widths, whose parts tests then break on purpose.
struct VADModelFileBuilder {
    struct Tensor {
        var name: String
        var dims: [Int]
        var type: Int32
        var data: [UInt8]
    }

    var magic: UInt32 = 0x6767_6d6c
    var modelType = "silero-16k"
    var version: [Int32] = [6, 2, 0]
    var window: Int32
    var context: Int32
    var layers: [[Int32]]           // in, out, kernel
    var lstm: [Int32]               // input, hidden
    var finalConv: [Int32]          // in, out
    var tensors: [Tensor] = []

    /// A valid model: 9 frequency bins (a 16-sample transform), channels 9 → 8 → 4 → 4 → 8,
    /// hidden size 8, 32-sample windows with 4 samples of context.
    static func small(seed: UInt64 = 1) -> VADModelFileBuilder {
        let layers: [[Int32]] = [[9, 8, 3], [8, 4, 3], [4, 4, 3], [4, 8, 3]]
        var b = VADModelFileBuilder(window: 32, context: 4, layers: layers, lstm: [8, 8], finalConv: [8, 1])
        var rng = seed
        func values(_ n: Int) -> [Float] {
            (0..<n).map { _ in
                rng = rng &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int(rng >> 40) % 2001 - 1000) / 4000
            }
        }
        func add(_ name: String, _ dims: [Int], f16: Bool) {
            b.tensors.append(tensor(name, dims, values: values(max(1, dims.reduce(1, *))), f16: f16))
        }
        for (i, l) in layers.enumerated() {
            add("_model.encoder.\(i).reparam_conv.weight", [Int(l[2]), Int(l[0]), Int(l[1])], f16: true)
            add("_model.encoder.\(i).reparam_conv.bias", [Int(l[1])], f16: false)
        }
        add("_model.decoder.rnn.weight_ih", [8, 32], f16: false)
        add("_model.decoder.rnn.weight_hh", [8, 32], f16: false)
        add("_model.decoder.rnn.bias_ih", [32], f16: false)
        add("_model.decoder.rnn.bias_hh", [32], f16: false)
        add("_model.decoder.decoder.2.weight", [8], f16: true)     // squeezed, as the converter writes it
        add("_model.decoder.decoder.2.bias", [], f16: false)       // a scalar: zero dimensions
        add("_model.stft.forward_basis_buffer", [16, 1, 18], f16: true)
        return b
    }

    static func tensor(_ name: String, _ dims: [Int], values: [Float], f16: Bool) -> Tensor {
        let data: [UInt8] = f16
            ? values.flatMap { withUnsafeBytes(of: Float16($0).bitPattern.littleEndian, Array.init) }
            : values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        return Tensor(name: name, dims: dims, type: f16 ? 1 : 0, data: data)
    }

    func index(of name: String) -> Int {
        tensors.firstIndex { $0.name == name }!
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        func int(_ v: Int32) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
        out += withUnsafeBytes(of: magic.littleEndian, Array.init)
        int(Int32(modelType.utf8.count))
        out += Array(modelType.utf8)
        version.forEach(int)
        int(window)
        int(context)
        int(Int32(layers.count))
        layers.joined().forEach(int)
        lstm.forEach(int)
        finalConv.forEach(int)
        for t in tensors {
            int(Int32(t.dims.count))
            int(Int32(t.name.utf8.count))
            int(t.type)
            t.dims.forEach { int(Int32($0)) }
            out += Array(t.name.utf8)
            out += t.data
        }
        return out
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func write(_ bytes: [UInt8], name: String = "vad") throws -> String {
        let url = TestScratch.path(name, suffix: ".bin")
        try Data(bytes).write(to: url)
        return url.path
    }

    func write() throws -> String { try Self.write(bytes) }
}
