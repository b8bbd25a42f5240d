// whisper.wasm: the engine as a WASI command. It takes whisper-cli's core options, reads the model
// and the audio through WASI, prints segments on stdout as whisper-cli prints them, writes the
// output files, and exits with whisper-cli's status codes: 0 done, 1 a file or the model failed,
// 2 a usage error. One thread; the model is read into linear memory once.

@_cdecl("putchar")
func putchar(_ c: Int32) -> Int32 {
    var byte = UInt8(truncatingIfNeeded: c)
    _ = withUnsafeBytes(of: &byte) { WASI.write(1, $0) }
    return c
}

/// Randomness for hashing seeds: none is needed (the module's results must not vary run to run).
@_cdecl("arc4random_buf")
func arc4random_buf(_ buffer: UnsafeMutableRawPointer, _ count: Int) {
    buffer.initializeMemory(as: UInt8.self, repeating: 0x5A, count: count)
}

struct UsageError: Error { let message: String }

/// The options whisper.wasm understands (a subset of whisper-cli's, with its defaults).
struct Options {
    var model = "models/ggml-tiny.en.bin"
    var files: [String] = []
    var language = "en"
    var translate = false
    var beamSize = 5
    var bestOf = 5
    var noFallback = false
    var noTimestamps = false
    var offsetMilliseconds = 0
    var durationMilliseconds = 0
    var prompt: String?
    var formats: [OutputFormat] = []
    var outputFile: String?
    var help = false

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var o = Options()
        var i = 0
        func value(_ name: String) throws(UsageError) -> String {
            i += 1
            guard i < arguments.count else { throw UsageError(message: "option \(name) needs a value") }
            return arguments[i]
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int {
            let text = try value(name)
            guard let n = Int(text), range.contains(n) else {
                throw UsageError(message: "option \(name): '\(text)' is not an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "-h", "--help": o.help = true
            case "-m", "--model": o.model = try value(a)
            case "-f", "--file": o.files.append(try value(a))
            case "-l", "--language": o.language = try value(a)
            case "-tr", "--translate": o.translate = true
            case "-bs", "--beam-size": o.beamSize = try integer(a, 1...8)
            case "-bo", "--best-of": o.bestOf = try integer(a, 1...8)
            case "-nf", "--no-fallback": o.noFallback = true
            case "-nt", "--no-timestamps": o.noTimestamps = true
            case "-ot", "--offset-t": o.offsetMilliseconds = try integer(a, 0...Int(Int32.max))
            case "-d", "--duration": o.durationMilliseconds = try integer(a, 0...Int(Int32.max))
            case "--prompt": o.prompt = try value(a)
            case "-otxt", "--output-txt": o.formats.append(.txt)
            case "-osrt", "--output-srt": o.formats.append(.srt)
            case "-ovtt", "--output-vtt": o.formats.append(.vtt)
            case "-oj", "--output-json", "-ojf", "--output-json-full": o.formats.append(.json)
            case "-of", "--output-file": o.outputFile = try value(a)
            case "-t", "--threads": _ = try integer(a, 1...256)     // accepted; the module has one thread
            case "-np", "--no-prints": break
            default:
                if a.hasPrefix("-") && a.count > 1 { throw UsageError(message: "unknown option '\(a)'") }
                o.files.append(a)
            }
            i += 1
        }
        return o
    }

    /// whisper-cli's `transcriptionOptions()` for these options.
    var transcription: TranscriptionOptions {
        var t = TranscriptionOptions()
        t.decoding.task = translate ? .translate : .transcribe
        t.decoding.language = language == "auto" ? nil : Language.find(language)?.code
        t.decoding.beamSize = beamSize
        t.decoding.bestOf = bestOf
        t.decoding.suppressNonSpeechTokens = true
        t.decoding.seed = 0
        if noFallback {
            t.temperatures = [0]
        } else {
            var steps: [Float] = []
            var temperature: Float = 0
            while temperature <= 1.0 + 1e-6 { steps.append(temperature); temperature += 0.2 }
            t.temperatures = steps
        }
        t.compressionRatioThreshold = 2.4
        t.logProbThreshold = -1.0
        t.noSpeechThreshold = 0.6
        t.conditionOnPreviousText = true
        t.initialPrompt = prompt
        t.offset = Double(offsetMilliseconds) / 1000
        t.duration = durationMilliseconds > 0 ? Double(durationMilliseconds) / 1000 : nil
        return t
    }
}

let usage = """
usage: whisper.wasm [options] file.wav ...

  -m, --model FILE         whisper.cpp GGML model (default models/ggml-tiny.en.bin)
  -f, --file FILE          WAV file to transcribe (or give it as an argument)
  -l, --language LANG      spoken language (default en; auto to detect)
  -tr, --translate         translate into English
  -bs, --beam-size N       beams (default 5; 1 = greedy)
  -bo, --best-of N         candidates when sampling (default 5)
  -nf, --no-fallback       no temperature fallback
  -nt, --no-timestamps     print the text without segment times
  -ot, --offset-t MS       start MS milliseconds into the audio
  -d, --duration MS        transcribe only MS milliseconds
  --prompt TEXT            initial prompt
  -otxt, -osrt, -ovtt, -oj write FILE.txt / .srt / .vtt / .json beside the audio
  -of, --output-file BASE  name of the output files, without extension
  -h, --help               this help

Files are reached through the directories the host gives the module (wasmtime/wasmkit --dir).
Segments are printed to stdout as they are decoded: [hh:mm:ss.mmm --> hh:mm:ss.mmm]  text

"""

func exit(_ status: Int32) -> Never {
    wasi_proc_exit(status)
    fatalError("proc_exit returned")
}

func fail(_ message: String, status: Int32) -> Never {
    WASI.write(2, "whisper.wasm: error: \(message)\n")
    exit(status)
}

/// Reads and parses the model at `path`.
func loadModel(_ path: String) throws(ModelLoadError) -> WhisperModel {
    let bytes: any ModelBytes
    do { bytes = try WASIFile.read(path) } catch { throw ModelLoadError(path: path, reason: .cannotOpen(error.reason)) }
    return try WhisperModel(file: GGMLModelFile(file: bytes))
}

/// Writes `text` to `path` through a temporary file renamed over it: an interrupted run never
/// leaves a half-written file in its place.
func writeFile(_ text: String, to path: String) -> String? {
    let temporary = path + ".partial"
    let (opened, errno) = WASI.open(temporary, write: true)
    guard let fd = opened else { return "cannot write \(path): \(WASI.describe(errno))" }
    let written = WASI.write(fd, text)
    WASI.close(fd)
    guard written else { WASI.unlink(temporary); return "cannot write \(path)" }
    let status = WASI.rename(temporary, path)
    if status != 0 { WASI.unlink(temporary); return "cannot write \(path): \(WASI.describe(status))" }
    return nil
}

func run() -> Int32 {
    Host.install(WASIHost())
    let arguments = Array(WASI.arguments().dropFirst())
    let options: Options
    do {
        options = try Options.parse(arguments)
    } catch {
        WASI.write(2, "whisper.wasm: error: \(error.message)\n(whisper.wasm -h lists the options)\n")
        return 2
    }
    if options.help { WASI.write(1, usage); return 0 }
    guard !options.files.isEmpty else {
        WASI.write(2, "whisper.wasm: error: no audio files to transcribe\n(whisper.wasm -h lists the options)\n")
        return 2
    }

    let model: WhisperModel
    do { model = try loadModel(options.model) } catch { fail(error.description, status: 1) }
    let transcriber: Transcriber
    do { transcriber = try Transcriber(model: model) } catch { fail(error.description, status: 1) }

    var status: Int32 = 0
    for path in options.files {
        let (opened, errno) = WASI.open(path)
        guard let fd = opened else {
            WASI.write(2, "whisper.wasm: error: \(path): \(errno == 44 ? "no such file or directory" : WASI.describe(errno))\n")
            status = 1
            continue
        }
        let input = WASIInput(fd: fd, name: path, closes: true)
        do {
            let samples = try AudioLoader.loadMono16k(stream: try WhisperError.readingAudio { () throws(AudioError) in
                try Mono16kStream(reader: WAVReader(input: input))
            })
            let tokenizer = transcriber.tokenizer
            let result = try transcriber.transcribe(samples: samples, options: options.transcription) { segment in
                for piece in SegmentSplitter.split(segment, maxLength: 0, onWords: false, tokenizer: tokenizer) {
                    if options.noTimestamps {
                        WASI.write(1, piece.text)
                    } else {
                        WASI.write(1, "[\(Timestamp.format(piece.start)) --> \(Timestamp.format(piece.end))]  \(piece.text)\n")
                    }
                }
            }
            if options.noTimestamps { WASI.write(1, "\n") }
            let t = result.timings
            func ms(_ seconds: Double) -> String { "\(Int((seconds * 1000).rounded())) ms" }
            WASI.write(2, "whisper.wasm: \(path): mel \(ms(t.mel)), encode \(ms(t.encode)) (\(t.windows) windows), "
                       + "decode \(ms(t.decode)) (\(t.decodedTokens) tokens)\n")
            if !options.formats.isEmpty {
                let base = options.outputFile ?? stem(of: path)
                let transcript = Transcript(segments: result.segments,
                                            language: result.language ?? (tokenizer.specialTokens.isMultilingual ? nil : "en"),
                                            tokenizer: tokenizer, model: model.hyperparameters, modelName: options.model,
                                            source: path,
                                            parameters: options.transcription.transcriptParameters(language: options.language, maxContext: -1))
                for format in options.formats {
                    if let problem = writeFile(format.render(transcript), to: base + "." + format.fileExtension) {
                        WASI.write(2, "whisper.wasm: error: \(problem)\n")
                        status = 1
                    }
                }
            }
        } catch {
            WASI.write(2, "whisper.wasm: error: \(error.description)\n")
            status = 1
        }
    }
    return status
}

/// `dir/name.wav` → `dir/name`: whisper-cli's output file name.
func stem(of path: String) -> String {
    let slash = path.lastIndex(of: "/")
    if let dot = path.lastIndex(of: "."), slash.map({ dot > $0 }) ?? true, dot != path.startIndex {
        return String(path[..<dot])
    }
    return path
}

@_cdecl("_start")
func start() {
    exit(run())
}
