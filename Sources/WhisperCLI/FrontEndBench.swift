import Foundation
import WhisperCore
import WhisperPlatform

/// `whisper-cli bench --front-end -m MODEL -f FILE`: the streaming front end of a transcription over
/// a whole file — decoding, resampling, log-mel spooled to a temporary file, every 30 s window read
/// back and normalized — without the network, which would take hours on hours of audio. Prints its
/// time and the peak resident memory (scripts/bench-memory.sh compares a short and a long file).
enum FrontEndBench {
    static func run(model: String, file: String, threads: Int) -> Int32 {
        do {
            let whisper = try WhisperModel(path: model)
            let h = whisper.hyperparameters
            let executor = ParallelExecutor(threads: threads)
            let frontEnd = try LogMelSpectrogram(filters: whisper.file.melFilters.weights, melCount: h.nMels)
            let passClock = Date()
            let mel = try SpooledMelSpectrogram(stream: Mono16kStream(path: file), frontEnd: frontEnd, executor: executor)
            let pass = -passClock.timeIntervalSinceNow

            // Every window, as the seek loop reads them (it reads more when windows overlap).
            let readClock = Date()
            let width = LogMelSpectrogram.framesPerWindow
            var window = [Float](repeating: 0, count: h.nMels * width)
            var checksum = 0.0
            var windows = 0
            for seek in stride(from: 0, to: mel.contentFrames, by: width) {
                try window.withUnsafeMutableBufferPointer {
                    try mel.readWindow(start: seek, count: min(width, mel.contentFrames - seek), into: $0)
                }
                checksum += Double(window[(windows * 7919) % window.count])
                windows += 1
            }
            let read = -readClock.timeIntervalSinceNow

            let seconds = Double(mel.sampleCount) / Double(LogMelSpectrogram.sampleRate)
            let name = (file as NSString).lastPathComponent
            Console.output("front end: \(name): " + String(format: "%.1f s of audio", seconds)
                           + ", \(mel.contentFrames) frames × \(h.nMels) mel bands, threads: \(threads)\n")
            Console.output(String(format: "  streaming pass %10.1f ms   (decode, resample, log-mel, spool; maximum %.4f)\n",
                                  pass * 1000, Double(mel.maximum)))
            Console.output(String(format: "  window reads   %10.1f ms   (%d windows of 30 s; checksum %.6f)\n",
                                  read * 1000, windows, checksum))
            Console.output(String(format: "  peak RSS       %10.1f MiB\n", ProcessMemory.peakResidentMiB()))
            return 0
        } catch {
            Console.error("\(error)")
            return 1
        }
    }
}
