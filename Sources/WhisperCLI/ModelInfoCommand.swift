import Foundation
import WhisperCore
import WhisperPlatform

/// `whisper-cli model-info FILE... [--checksum]`: what a model file holds — architecture, tensor
/// types, sizes — and whether it loads; with `--checksum`, its SHA-256 and the published model it is.
enum ModelInfoCommand {
    static let usage = """
        usage: whisper-cli model-info FILE|NAME|DIR... [--checksum]
          Prints a model's architecture, file and tensor types, sizes, and whether it is a valid model.
          --checksum   also compute the file's SHA-256 and name the published model it matches
        exit status: 0 every file is a valid model; 1 a file is not; 2 usage error.
        """

    static func run(_ arguments: [String]) -> Int32 {
        var files: [String] = []
        var checksum = false
        for argument in arguments {
            switch argument {
            case "-h", "--help":
                Console.output(usage + "\n")
                return 0
            case "--checksum", "--sha256":
                checksum = true
            default:
                if argument.hasPrefix("-") {
                    Console.error("model-info: unknown option '\(argument)'\n" + usage)
                    return 2
                }
                files.append(argument)
            }
        }
        guard !files.isEmpty else {
            Console.error("model-info: name a model file\n" + usage)
            return 2
        }
        var failed = false
        for (i, argument) in files.enumerated() {
            if i > 0 { Console.output("\n") }
            if !describe(argument, checksum: checksum) { failed = true }
        }
        return failed ? 1 : 0
    }

    /// Prints the report for one file; returns whether it is a valid model.
    static func describe(_ argument: String, checksum: Bool) -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
            return describeCheckpoint(argument)
        }
        let path: String
        let file: GGMLModelFile
        do {
            path = try ModelLocator.resolve(argument)
            file = try GGMLModelFile(path: path)
        } catch {
            Console.output("\(argument): not a usable model\n  error: \(error)\n")
            return false
        }
        let h = file.hyperparameters
        func line(_ label: String, _ value: String) {
            Console.output("  " + label.padding(toLength: 16, withPad: " ", startingAt: 0) + value + "\n")
        }
        Console.output("\(path)\n")
        line("file size", byteCount(Int64(file.file.bytes.count)))
        line("architecture", "\(h.size == .custom ? "custom" : h.size.rawValue) (\(h.isMultilingual ? "multilingual" : "English-only"))")
        line("vocabulary", "\(h.nVocab) tokens (\(file.vocabulary.count) listed in the file)")
        line("audio encoder", "\(h.nAudioLayer) layers, width \(h.nAudioState), \(h.nAudioHead) heads, context \(h.nAudioCtx)")
        line("text decoder", "\(h.nTextLayer) layers, width \(h.nTextState), \(h.nTextHead) heads, context \(h.nTextCtx)")
        line("mel bins", "\(h.nMels) (filter bank \(file.melFilters.nMels)×\(file.melFilters.nFFTBins))")
        line("file type", "\(h.fileTypeName) (header ftype \(h.rawFileType)" + (h.quantizationVersion > 0 ? ", quantization version \(h.quantizationVersion))" : ")"))

        // Tensors by type: count, elements, bytes.
        var byType: [GGMLTensorType: (count: Int, elements: Int, bytes: Int)] = [:]
        for tensor in file.tensors.values {
            var entry = byType[tensor.type] ?? (0, 0, 0)
            entry.count += 1
            entry.elements += tensor.elementCount
            entry.bytes += tensor.byteCount
            byType[tensor.type] = entry
        }
        let totalElements = byType.values.reduce(0) { $0 + $1.elements }
        line("tensors", "\(file.tensors.count), \(formatCount(totalElements)) parameters")
        for (type, entry) in byType.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            line("  \(type)", "\(entry.count) tensors, \(formatCount(entry.elements)) values, \(byteCount(Int64(entry.bytes)))")
        }

        var valid = true
        do {
            let model = try WhisperModel(file: file)
            let poisoned = model.nonFiniteTensors()
            if poisoned.isEmpty {
                line("valid", "yes: every tensor present with the expected shape and type, every value finite")
            } else {
                let shown = poisoned.prefix(5).joined(separator: ", ") + (poisoned.count > 5 ? ", ..." : "")
                line("valid", "no: \(poisoned.count) tensor\(poisoned.count == 1 ? "" : "s") hold NaN or infinite values (\(shown))")
                valid = false
            }
        } catch {
            line("valid", "no: \(error)")
            valid = false
        }
        if checksum {
            do {
                let sha256 = try FileDigest.hex(ofFile: path, algorithm: .sha256)
                line("sha256", sha256)
                if let known = KnownModels.all.first(where: { $0.sha256 == sha256 }) {
                    line("published as", known.name)
                } else if let candidates = Optional(KnownModels.all.filter { $0.sha256 == nil }), !candidates.isEmpty {
                    let sha1 = try FileDigest.hex(ofFile: path, algorithm: .sha1)
                    line("published as", candidates.first { $0.sha1 == sha1 }?.name ?? "none (not a file from the model host)")
                }
            } catch {
                line("sha256", "cannot read: \(error)")
            }
        }
        return valid
    }

    /// A CTranslate2 or Hugging Face folder: what it is and what `convert` would make of it.
    static func describeCheckpoint(_ directory: String) -> Bool {
        let model: ImportedModel
        do {
            model = try ModelImporter.read(directory: directory)
            try GGMLModelWriter.validate(model)
        } catch {
            Console.output("\(directory): not a usable model\n  error: \(error)\n")
            return false
        }
        func line(_ label: String, _ value: String) {
            Console.output("  " + label.padding(toLength: 16, withPad: " ", startingAt: 0) + value + "\n")
        }
        let h = model.hyperparameters
        Console.output("\(directory)\n")
        line("format", "\(model.format) checkpoint (\(model.sourceTypes.sorted().joined(separator: ", ")))")
        line("architecture", "\(h.isMultilingual ? "multilingual" : "English-only"), n_vocab \(h.nVocab)")
        line("audio encoder", "\(h.nAudioLayer) layers, width \(h.nAudioState), \(h.nAudioHead) heads, context \(h.nAudioCtx)")
        line("text decoder", "\(h.nTextLayer) layers, width \(h.nTextState), \(h.nTextHead) heads, context \(h.nTextCtx)")
        line("mel bins", "\(h.nMels)")
        line("vocabulary", "\(model.vocabulary.count) tokens in the GGML file")
        line("valid", "yes: every tensor present with the expected shape")
        line("converts to", "a whisper.cpp GGML model: whisper-cli convert \(directory) OUT.bin [--type f16|f32|q8_0|q5_1|...]")
        return true
    }

    static func byteCount(_ bytes: Int64) -> String {
        let mib = Double(bytes) / 1_048_576
        if mib >= 1024 { return String(format: "%lld bytes (%.2f GiB)", bytes, mib / 1024) }
        return String(format: "%lld bytes (%.1f MiB)", bytes, mib)
    }

    static func formatCount(_ n: Int) -> String {
        if n >= 1_000_000 { return String(format: "%.1f M", Double(n) / 1e6) }
        if n >= 1000 { return String(format: "%.1f k", Double(n) / 1e3) }
        return "\(n)"
    }
}
