// Transcribes a WAV file with a whisper.cpp model: `transcribe MODEL WAV [THREADS]`.
import Foundation
import WhisperCore
import WhisperPlatform

let arguments = CommandLine.arguments
guard arguments.count == 3 || arguments.count == 4 else {
    print("usage: transcribe MODEL.bin AUDIO.wav [THREADS]")
    exit(2)
}
do {
    let model = try WhisperModel(path: arguments[1])
    let transcriber = try Transcriber(model: model, threads: arguments.count == 4 ? Int(arguments[3]) ?? 1 : 1)
    let samples = try AudioLoader.loadMono16k(path: arguments[2])
    let result = try transcriber.transcribe(samples: samples) { segment in
        print("[\(Timestamp.format(segment.start)) --> \(Timestamp.format(segment.end))]  \(segment.text)")
    }
    print(BuildInfo.isTunedForCPU ? "tuned build" : "plain build", "-", result.segments.count, "segments")
} catch {
    print("transcribe: \(error)")
    exit(1)
}
