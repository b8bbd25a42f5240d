import Foundation
import WhisperCore
import WhisperPlatform

/// `whisper-cli [options] FILE|DIR...`: transcribe every input, printing segments as they are
/// decoded and writing the requested output files; a summary and the timings go to stderr.
enum TranscribeCommand {
    static func run(_ arguments: [String]) -> Int32 {
        if arguments.isEmpty {
            Console.info(CommandLineOptions.helpText())
            return 2
        }
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
        if options.showVersion {
            Console.output(CPUFeatures.versionText + "\n")
            return 0
        }
        guard let modelArgument = options.model else {
            Console.error("no model given: use -m MODEL (a file, or a name such as base.en; see 'whisper-cli models')")
            return 2
        }
        guard !options.files.isEmpty else {
            Console.error("no input files given (see --help)")
            return 2
        }
        if options.stream { return StreamCommand.run(options, model: modelArgument) }

        // Inputs and where their outputs go; clashes are usage errors, found before any work.
        let discovery = InputDiscovery.collect(options.files, recursive: options.recursive)
        for link in InputDiscovery.skippedLinks {
            Console.warning("\(link): a symbolic link to nothing readable (broken or looping); skipped")
        }
        for directory in discovery.emptyDirectories {
            Console.warning("no .wav files in \(directory)" + (options.recursive ? "" : " (use -r to search its subfolders)"))
        }
        let inputs = discovery.inputs
        if options.outputFile != nil && inputs.count + discovery.problems.count > 1 {
            Console.error("-of names the output of a single input, but there are \(inputs.count + discovery.problems.count)")
            return 2
        }
        let targets = inputs.map {
            OutputTarget(input: $0, outputDirectory: options.outputDirectory, outputFile: options.outputFile)
        }
        if !options.outputFormats.isEmpty {
            var seen: [String: String] = [:]
            for (input, target) in zip(inputs, targets) {
                if let other = seen[target.base] {
                    let advice = options.outputDirectory == nil
                        ? "use --output-dir with directory inputs, or transcribe them separately"
                        : "rename one of them, or transcribe them separately"
                    Console.error("\(other) and \(input.path) would both write \(target.base).*; \(advice)")
                    return 2
                }
                seen[target.base] = input.path
            }
        }
        for problem in discovery.problems {
            Console.error("\(problem.path): \(problem.reason)")
        }
        if inputs.isEmpty {
            Console.error("no audio files to transcribe")
            return 1
        }

        // No output may replace an input: inputs are compared with targets by device and inode.
        for input in inputs where !input.isStandardInput { SafeFileWriter.protect(input.path) }

        let loadStart = Date()
        let model: WhisperModel
        let modelPath: String
        do {
            modelPath = try ModelLocator.resolve(modelArgument)
            SafeFileWriter.protect(modelPath)
            model = try WhisperModel(path: modelPath)
        } catch {
            Console.error("\(error)")
            return 1
        }
        let loadTime = -loadStart.timeIntervalSinceNow
        if !model.hyperparameters.isMultilingual {
            if options.translate {
                Console.warning("\(model.path) is an English-only model: -tr (translate) is ignored")
            }
            if options.language != "en" && options.language != "auto" {
                Console.warning("\(model.path) is an English-only model: -l \(options.language) is ignored, the audio is transcribed as English")
            }
        }
        if !options.noPrints {
            if let note = CPUFeatures.untunedBuildNote { Console.info(note) }
            let h = model.hyperparameters
            Console.info("whisper-cli: model \(model.path): \(h.size) (\(h.isMultilingual ? "multilingual" : "English-only")), \(h.fileTypeName), \(h.nAudioLayer)+\(h.nTextLayer) layers, d=\(h.nAudioState)")
        }

        let durations = inputs.map(\.declaredDuration)
        let mode: ProgressDisplay.Mode
        if options.noPrints {
            mode = .off
        } else if Console.isTerminal(2) && !(options.noTimestamps && Console.isTerminal(1)) {
            mode = .live
        } else {
            mode = .lines
        }
        let progress = ProgressDisplay(mode: mode, printPercent: options.printProgress, durations: durations)
        let batchStart = Date()
        let outcomes: [FileOutcome]
        do {
            outcomes = try BatchRunner(model: model, modelName: modelArgument, options: options, inputs: inputs,
                                       targets: targets, progress: progress).run()
        } catch {
            progress.close()
            Console.error("\(error)")
            return 1
        }
        progress.close()

        var summary = BatchSummary()
        outcomes.forEach { summary.add($0) }
        summary.failed += discovery.problems.count
        if !options.noPrints {
            printSummary(summary, files: inputs.count + discovery.problems.count, seconds: -batchStart.timeIntervalSinceNow,
                         detectOnly: options.detectLanguageOnly)
            if !options.detectLanguageOnly {
                printTimings(load: loadTime, timings: summary.timings, total: -loadStart.timeIntervalSinceNow)
            }
        }
        return summary.failed == 0 ? 0 : 1
    }

    static func printSummary(_ s: BatchSummary, files: Int, seconds: Double, detectOnly: Bool = false) {
        var line = "whisper-cli: \(files) file\(files == 1 ? "" : "s"): \(s.transcribed) \(detectOnly ? "language detected" : "transcribed"), \(s.failed) failed"
        if s.skipped > 0 { line += ", \(s.skipped) skipped" }
        line += String(format: "; %.3f h of audio (%.1f s) in %.1f s", s.audioSeconds / 3600, s.audioSeconds, seconds)
        if s.audioSeconds > 0 {
            line += String(format: ", real-time factor %.3f", seconds / s.audioSeconds)
        }
        Console.info(line)
    }

    static func printTimings(load: Double, timings: Timings, total: Double) {
        func ms(_ seconds: Double) -> String { String(format: "%8.2f ms", seconds * 1000) }
        Console.info("")
        Console.info("whisper_print_timings:     load time = \(ms(load))")
        Console.info("whisper_print_timings:      mel time = \(ms(timings.mel))")
        let perWindow = timings.windows > 0 ? timings.encode / Double(timings.windows) : 0
        Console.info("whisper_print_timings:   encode time = \(ms(timings.encode)) / \(timings.windows) runs (\(ms(perWindow)) per run)")
        // Decode time covers every beam, candidate and fallback temperature; the tokens are those kept.
        let perWindowDecode = timings.windows > 0 ? timings.decode / Double(timings.windows) : 0
        Console.info("whisper_print_timings:   decode time = \(ms(timings.decode)) / \(timings.windows) windows (\(ms(perWindowDecode)) per window; \(timings.decodedTokens) tokens kept, beams and retries included in the time)")
        if timings.alignment > 0 {
            Console.info("whisper_print_timings:    align time = \(ms(timings.alignment)) / \(timings.windows) windows (word timestamps)")
        }
        Console.info("whisper_print_timings:    total time = \(ms(total))")
    }
}
