import Foundation
@testable import WhisperCore
@testable import WhisperPlatform

/// Long test recordings made from the short samples, written as 16 kHz mono s16 WAV files.
enum LongRecording {
    /// `seconds` of audio: speech-long.wav over and over, each repetition at another gain (so no
    /// two windows are alike), with stretches of silence and one loud tone burst near the end —
    /// the burst sets the spectrogram's global maximum, so a streaming front end that normalized
    /// with anything but the maximum over the whole recording would give different windows.
    static func speech(seconds: Double) throws -> [Float] {
        let speech = try AudioLoader.loadMono16k(path: try SharedData.sample("speech-long.wav"))
        let total = Int(seconds * 16000)
        var out = [Float](repeating: 0, count: total)
        var at = 0, repetition = 0
        while at < total {
            let gain = Float(0.25 + 0.15 * Double(repetition % 5))
            let count = min(speech.count, total - at)
            for i in 0..<count { out[at + i] = speech[i] * gain }
            at += count + 16000 * (1 + repetition % 3)   // 1–3 s of silence between repetitions
            repetition += 1
        }
        let burst = max(0, total - 16000 * 20)
        for i in burst..<min(total, burst + 8000) {
            out[i] = 0.9 * Float(sin(2 * Double.pi * 1000 * Double(i) / 16000))
        }
        return out
    }

    /// 16-bit little-endian PCM of `samples` (clipped to [−1, 1)).
    static func s16(_ samples: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: samples.count * 2)
        for (i, x) in samples.enumerated() {
            let v = UInt16(bitPattern: Int16(max(-32768, min(32767, (x * 32768).rounded()))))
            bytes[2 * i] = UInt8(v & 0xFF)
            bytes[2 * i + 1] = UInt8(v >> 8)
        }
        return bytes
    }

    /// The 44-byte header of a 16 kHz mono s16 WAV file whose `data` chunk claims `dataSize` bytes.
    static func header(dataSize: UInt32) -> [UInt8] {
        let riffSize = dataSize == 0xFFFF_FFFF ? 0xFFFF_FFFF : Int(dataSize) + 36
        return Array("RIFF".utf8) + WAVBuilder.le32(riffSize) + Array("WAVEfmt ".utf8) + WAVBuilder.le32(16)
            + WAVBuilder.le16(1) + WAVBuilder.le16(1) + WAVBuilder.le32(16000) + WAVBuilder.le32(32000)
            + WAVBuilder.le16(2) + WAVBuilder.le16(16) + Array("data".utf8) + WAVBuilder.le32(Int(dataSize))
    }

    /// Writes `samples` as a WAV file; `lyingSize` writes 0xFFFFFFFF as the data size (a streaming writer's header).
    static func write(_ samples: [Float], name: String, lyingSize: Bool = false) throws -> String {
        let data = s16(samples)
        return try TemporaryFiles.write(header(dataSize: lyingSize ? 0xFFFF_FFFF : UInt32(data.count)) + data, name: name)
    }
}

/// A WAV stream fed through a pipe by a background thread: lets a test stream hours of audio
/// without holding or writing them. The writer produces `header`, then `silentBytes` zero bytes,
/// then `tail`.
final class PipedWAV {
    let readEnd: Int32
    private let thread: Thread

    init(silentSamples: Int, then tail: [Float]) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw NSError(domain: "PipedWAV", code: 1) }
        signal(SIGPIPE, SIG_IGN)   // a reader that stops early must not kill the test process
        readEnd = fds[0]
        let writeEnd = fds[1]
        let tailBytes = LongRecording.s16(tail)
        let header = LongRecording.header(dataSize: 0xFFFF_FFFF)
        let silentBytes = silentSamples * 2
        thread = Thread {
            func send(_ bytes: UnsafeRawBufferPointer) -> Bool {
                var done = 0
                while done < bytes.count {
                    let n = write(writeEnd, bytes.baseAddress! + done, bytes.count - done)
                    if n <= 0 { return false }   // the reader went away
                    done += n
                }
                return true
            }
            let zeros = [UInt8](repeating: 0, count: 1 << 16)
            var ok = header.withUnsafeBytes(send)
            var left = silentBytes
            while ok && left > 0 {
                let n = min(left, zeros.count)
                ok = zeros.withUnsafeBytes { send(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                left -= n
            }
            if ok { _ = tailBytes.withUnsafeBytes(send) }
            close(writeEnd)
        }
        thread.start()
    }

    deinit { close(readEnd) }
}
