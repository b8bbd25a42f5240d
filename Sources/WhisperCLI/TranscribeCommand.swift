import Foundation
import WhisperCore

/// `whisper-cli [options] FILE...`: transcribe each file, printing segments as they are decoded.
enum TranscribeCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions.parse(arguments)
        } catch {
            Console.error("\(error)")
            return 2
        }
        if options.showHelp {
            Console.output(CommandLineOptions.helpText() + "\n")
            return 0
        }
        guard let modelArgument = options.model else {
            Console.error("no model given: use -m MODEL (see --help; 'make model NAME=base.en' fetches one)")
            return 2
        }
        guard !options.files.isEmpty else {
            Console.error("no input files given (see --help)")
            return 2
        }

        let loadStart = Date()
        let model: WhisperModel
        let transcriber: Transcriber
        do {
            model = try WhisperModel(path: modelArgument)
            transcriber = try Transcriber(model: model, threads: options.threads)
        } catch {
            Console.error("\(error)")
            return 1
        }
        let loadTime = -loadStart.timeIntervalSinceNow
        if !options.noPrints {
            let h = model.hyperparameters
            Console.info("whisper-cli: model \(model.path): \(h.size) (\(h.isMultilingual ? "multilingual" : "English-only")), \(h.fileTypeName), \(h.nAudioLayer)+\(h.nTextLayer) layers, d=\(h.nAudioState)")
        }

        var failures = 0
        var totalTimings = Timings()
        for file in options.files {
            do {
                let timings = try transcribe(file: file, with: transcriber, options: options)
                totalTimings.mel += timings.mel
                totalTimings.encode += timings.encode
                totalTimings.decode += timings.decode
                totalTimings.windows += timings.windows
                totalTimings.decodedTokens += timings.decodedTokens
            } catch {
                Console.error("\(error)")
                failures += 1
            }
        }
        if !options.noPrints {
            printTimings(load: loadTime, timings: totalTimings, total: -loadStart.timeIntervalSinceNow)
        }
        return failures == 0 ? 0 : 1
    }

    static func transcribe(file: String, with transcriber: Transcriber, options: CommandLineOptions) throws -> Timings {
        // Files are streamed (bounded memory, hours are fine), never loaded whole.
        let tokenizer = transcriber.tokenizer
        var transcription = options.transcriptionOptions()

        if options.detectLanguageOnly || (options.language == "auto" && tokenizer.specialTokens.isMultilingual) {
            let detected = try transcriber.detectLanguage(file: file, options: transcription)
            if let best = detected.first {
                Console.info("whisper-cli: auto-detected language: \(best.language.code) (p = \(String(format: "%.6f", best.probability)))")
                transcription.decoding.language = best.language.code
            }
            if options.detectLanguageOnly { return Timings() }
        }

        let result = try transcriber.transcribe(file: file, options: transcription) { segment in
            if options.noTimestamps {
                Console.output(segment.text)
            } else {
                Console.output("[\(Timestamp.format(segment.start)) --> \(Timestamp.format(segment.end))]  \(segment.text)\n")
            }
        }
        if options.noTimestamps { Console.output("\n") }
        return result.timings
    }

    static func printTimings(load: Double, timings: Timings, total: Double) {
        func ms(_ seconds: Double) -> String { String(format: "%8.2f ms", seconds * 1000) }
        Console.info("")
        Console.info("whisper_print_timings:     load time = \(ms(load))")
        Console.info("whisper_print_timings:      mel time = \(ms(timings.mel))")
        let perWindow = timings.windows > 0 ? timings.encode / Double(timings.windows) : 0
        Console.info("whisper_print_timings:   encode time = \(ms(timings.encode)) / \(timings.windows) runs (\(ms(perWindow)) per run)")
        let perToken = timings.decodedTokens > 0 ? timings.decode / Double(timings.decodedTokens) : 0
        Console.info("whisper_print_timings:   decode time = \(ms(timings.decode)) / \(timings.decodedTokens) tokens (\(ms(perToken)) per token)")
        Console.info("whisper_print_timings:    total time = \(ms(total))")
    }
}
