import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// One transcriber used from several threads at once: the calls are serialized, so each gets the
/// result it would get alone (before, they shared the decoder's buffers and corrupted each other).
final class ConcurrentTranscriberTests: XCTestCase {
    func testConcurrentCallsGiveTheSequentialResults() throws {
        let transcriber = try Transcriber(model: try WhisperModel(path: try SharedData.model("ggml-tiny.en.bin")), threads: 1)
        var options = TranscriptionOptions()
        options.temperatures = [0]
        options.decoding.beamSize = 1
        let inputs = try ["jfk.wav", "speech-short.wav", "jfk.wav", "speech-short.wav"].map {
            try AudioLoader.loadMono16k(path: try SharedData.sample($0))
        }
        let sequential = try inputs.map { try transcriber.transcribe(samples: $0, options: options).segments }
        nonisolated(unsafe) var concurrent = [[Segment]](repeating: [], count: inputs.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            let segments = (try? transcriber.transcribe(samples: inputs[i], options: options).segments) ?? []
            lock.lock(); concurrent[i] = segments; lock.unlock()
        }
        XCTAssertEqual(concurrent, sequential)
    }
}
