import Foundation
import WhisperCore
import WhisperPlatform

/// `whisper-cli quantize IN OUT TYPE`: a quantized copy of an f16/f32 model, byte-identical to
/// whisper.cpp's quantizer output.
enum QuantizeCommand {
    static let help = """
        usage: whisper-cli quantize INPUT.bin OUTPUT.bin TYPE

        Writes a quantized copy of an f16 or f32 whisper.cpp model, byte for byte as whisper.cpp's
        quantize tool does. TYPE: q4_0, q4_1, q5_0, q5_1 or q8_0 (also accepted: whisper.cpp's
        numbers 2, 3, 8, 9, 7). 2-D weight matrices are quantized; vectors, conv kernels and the
        positional embeddings are kept as they are.
        """

    static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("-h") || arguments.contains("--help") {
            Console.output(help + "\n")
            return 0
        }
        guard arguments.count == 3 else {
            Console.error("quantize: needs INPUT OUTPUT TYPE (see whisper-cli quantize --help)")
            return 2
        }
        let names: [String: GGMLTensorType] = ["q4_0": .q4_0, "q4_1": .q4_1, "q5_0": .q5_0, "q5_1": .q5_1, "q8_0": .q8_0,
                                               "2": .q4_0, "3": .q4_1, "8": .q5_0, "9": .q5_1, "7": .q8_0]
        guard let type = names[arguments[2].lowercased()] else {
            Console.error("quantize: unknown type '\(arguments[2])' (use q4_0, q4_1, q5_0, q5_1 or q8_0)")
            return 2
        }
        let clock = Date()
        do {
            SafeFileWriter.protect(arguments[0])
            let input = try GGMLModelFile(path: arguments[0])
            try ModelQuantizer.quantize(input, to: type, outputPath: arguments[1])
            let before = input.file.bytes.count
            let after = (try? FileManager.default.attributesOfItem(atPath: arguments[1])[.size] as? Int) ?? 0
            Console.info(String(format: "whisper-cli: quantized %@ → %@ (%@): %.1f MB → %.1f MB in %.2f s",
                                arguments[0], arguments[1], "\(type)", Double(before) / 1e6, Double(after) / 1e6,
                                -clock.timeIntervalSinceNow))
            return 0
        } catch {
            Console.error("\(error)")
            return 1
        }
    }
}
