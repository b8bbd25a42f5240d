import Foundation
import WhisperCore
import WhisperPlatform

/// `whisper-cli --stream -m MODEL -`: live audio from a pipe, transcribed as whisper.cpp's `stream`
/// does (see `LiveTranscriber`). On a terminal the current line is rewritten in place at each step
/// and kept when final; otherwise only final lines are printed, one per line, for scripts.
enum StreamCommand {
    static func run(_ options: CommandLineOptions, model modelArgument: String) -> Int32 {
        let model: WhisperModel
        let input: LiveAudioInput
        do {
            let path = try ModelLocator.resolve(modelArgument)
            model = try WhisperModel(path: path)
        } catch {
            Console.error("\(error)")
            return 1
        }
        do {
            input = try LiveAudioInput(path: options.files[0])
        } catch {
            Console.error("\(error)")
            return 1
        }
        var transcription = options.transcriptionOptions()
        // Bounded work per step: greedy, one temperature (whisper.cpp's stream decodes greedily too).
        transcription.decoding.beamSize = 1
        transcription.decoding.bestOf = 1
        transcription.temperatures = [transcription.temperatures.first ?? 0]
        if options.vad {
            return runUtterances(options, model: model, input: input, transcription: transcription)
        }
        let window = LiveTranscriber.Window(stepMilliseconds: options.stepMilliseconds,
                                            lengthMilliseconds: options.lengthMilliseconds,
                                            keepMilliseconds: options.keepMilliseconds)
        let live: LiveTranscriber
        do {
            live = LiveTranscriber(transcriber: try Transcriber(model: model, threads: options.threads),
                                   options: transcription, window: window)
        } catch {
            Console.error("\(error)")
            return 1
        }
        let terminal = Console.isTerminal(1)
        if !options.noPrints {
            Console.info("whisper-cli: streaming \(input.name) with \(model.path): a step every \(window.stepMilliseconds) ms over the last \(window.lengthMilliseconds) ms (keep \(window.keepMilliseconds) ms); \(terminal ? "the current line is revised in place" : "final lines only")")
        }
        let start = Date()
        var audioSamples = 0, steps = 0, busy = 0.0
        func show(_ line: LiveTranscriber.Line) {
            switch line {
            case .partial(let text):
                if terminal { Console.output("\r\u{1B}[2K" + text) }
            case .final(let text):
                if terminal {
                    Console.output("\r\u{1B}[2K" + text + "\n")
                } else if !text.isEmpty {
                    Console.output(text + "\n")
                }
            }
        }
        do {
            while true {
                let (samples, ended) = try input.next(minimum: window.step)
                audioSamples += samples.count
                live.append(samples)
                while live.isReady {
                    let clock = Date()
                    show(try live.step())
                    busy += -clock.timeIntervalSinceNow
                    steps += 1
                }
                if ended {
                    if let text = try live.finish() { show(.final(text)) }
                    break
                }
            }
        } catch {
            Console.error("\(error)")
            return 1
        }
        if !options.noPrints {
            let seconds = Double(audioSamples) / Double(WhisperAudio.sampleRate)
            var line = String(format: "whisper-cli: %.1f s of audio in %.1f s; %d steps, %.0f ms each on average (real-time factor %.3f of the work)",
                              seconds, -start.timeIntervalSinceNow, steps, steps > 0 ? busy * 1000 / Double(steps) : 0,
                              seconds > 0 ? busy / seconds : 0)
            if live.droppedSamples > 0 {
                line += String(format: "; %.1f s of audio dropped: transcription fell behind (try a longer --step or fewer --length)",
                               Double(live.droppedSamples) / Double(WhisperAudio.sampleRate))
            }
            Console.info(line)
        }
        return 0
    }

    /// `--stream --vad`: a line per utterance, printed once a pause ends it.
    static func runUtterances(_ options: CommandLineOptions, model: WhisperModel, input: LiveAudioInput,
                              transcription: TranscriptionOptions) -> Int32 {
        let utterances: UtteranceTranscriber
        do {
            let vadModel = try VADOptions(model: options.vadModel.map { .file($0) } ?? .defaultLocation,
                                          parameters: options.vadParameters).loadModel()
            utterances = UtteranceTranscriber(transcriber: try Transcriber(model: model, threads: options.threads),
                                              vad: SileroVAD(model: vadModel), options: transcription,
                                              parameters: options.vadParameters)
        } catch {
            Console.error("\(error)")
            return 1
        }
        if !options.noPrints {
            Console.info("whisper-cli: streaming \(input.name) with \(model.path): a line per utterance, as voice activity detection closes it")
        }
        let start = Date()
        var audioSamples = 0, lines = 0
        do {
            while true {
                let (samples, ended) = try input.next(minimum: 1600)
                audioSamples += samples.count
                for text in try utterances.append(samples) {
                    Console.output(text + "\n")
                    lines += 1
                }
                if ended {
                    if let text = try utterances.finish() {
                        Console.output(text + "\n")
                        lines += 1
                    }
                    break
                }
            }
        } catch {
            Console.error("\(error)")
            return 1
        }
        if !options.noPrints {
            Console.info(String(format: "whisper-cli: %.1f s of audio in %.1f s; %d utterances",
                                Double(audioSamples) / Double(WhisperAudio.sampleRate), -start.timeIntervalSinceNow, lines))
        }
        return 0
    }
}
