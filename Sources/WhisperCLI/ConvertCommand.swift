import Foundation
import WhisperCore
import WhisperPlatform

/// `whisper-cli convert SRC_DIR OUT.bin [--type TYPE]`: a faster-whisper (CTranslate2) or Hugging
/// Face transformers Whisper model as a whisper.cpp GGML file, in pure Swift (no PyTorch).
enum ConvertCommand {
    static let help = """
        usage: whisper-cli convert SOURCE_DIR OUTPUT.bin [--type f16|f32|q8_0|q5_1|q5_0|q4_1|q4_0]

        Converts a Whisper model from another format into a whisper.cpp GGML model file:
          - a CTranslate2 directory, as faster-whisper uses (model.bin, config.json,
            vocabulary.txt or vocabulary.json; weights f32, f16, bf16, int8 or int16);
          - a Hugging Face transformers checkpoint (config.json, model.safetensors or sharded
            model-0000N-of-0000M.safetensors with model.safetensors.index.json, vocab.json +
            added_tokens.json or tokenizer.json; weights f32, f16 or bf16).
        The file is laid out as whisper.cpp's own converter lays out OpenAI's checkpoints, with the
        mel filterbank computed as OpenAI computed it. --type (default f16): f16 keeps matrices in
        half precision (vectors in single), f32 keeps everything in single precision, a quantized
        type quantizes the f16 result as 'whisper-cli quantize' would.

        examples:
          whisper-cli convert ~/.cache/huggingface/hub/models--Systran--faster-whisper-base.en/snapshots/*/ base.en.bin
          whisper-cli convert ./whisper-small-finetuned small-ft.bin --type q8_0
        """

    static let typeNames: [String: GGMLTensorType] = [
        "f16": .f16, "f32": .f32, "q8_0": .q8_0, "q5_1": .q5_1, "q5_0": .q5_0, "q4_1": .q4_1, "q4_0": .q4_0,
    ]

    static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("-h") || arguments.contains("--help") {
            Console.output(help + "\n")
            return 0
        }
        var positional: [String] = []
        var type = GGMLTensorType.f16
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--type" || argument.hasPrefix("--type=") {
                let value: String
                if argument == "--type" {
                    guard index < arguments.count else { Console.error("convert: --type needs a value"); return 2 }
                    value = arguments[index]
                    index += 1
                } else {
                    value = String(argument.dropFirst("--type=".count))
                }
                guard let t = typeNames[value.lowercased()] else {
                    Console.error("convert: unknown type '\(value)' (use f16, f32, q8_0, q5_1, q5_0, q4_1 or q4_0)")
                    return 2
                }
                type = t
            } else if argument.hasPrefix("-") {
                Console.error("convert: unknown option '\(argument)' (see whisper-cli convert --help)")
                return 2
            } else {
                positional.append(argument)
            }
        }
        guard positional.count == 2 else {
            Console.error("convert: needs SOURCE_DIR and OUTPUT.bin (see whisper-cli convert --help)")
            return 2
        }
        let (source, output) = (positional[0], positional[1])
        let clock = Date()
        do {
            for name in ["model.bin", "model.safetensors"] { SafeFileWriter.protect(source + "/" + name) }
            let model = try ModelImporter.convert(directory: source, to: output, type: type)
            let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            Console.info(String(format: "whisper-cli: converted %@ (%@, %@) → %@ (%@): %.1f MB in %.2f s",
                                source, model.format, model.sourceTypes.sorted().joined(separator: "/"), output, "\(type)",
                                Double(size) / 1e6, -clock.timeIntervalSinceNow))
            return 0
        } catch {
            Console.error("\(error)")
            return 1
        }
    }
}
