import Foundation
import WhisperCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Audio as it arrives on a pipe, standard input or a named pipe: raw 16-bit little-endian mono
/// 16 kHz PCM (`arecord -f S16_LE -r 16000 -c 1`, `ffmpeg ... -f s16le -ar 16000 -ac 1 -`), or the
/// same after a WAV header (`-f wav`, whose data size a stream leaves unknown: it is not used).
///
/// A thread reads the input in 100 ms pieces as they come; `next(minimum:)` hands out what has
/// arrived. A named pipe is opened waiting for its writer, so the reader may start first.
public final class LiveAudioInput: @unchecked Sendable {
    public let name: String
    private let input: FileInput
    private let condition = NSCondition()
    private var samples: [Float] = []
    private var ended = false
    private var failure: AudioError?

    /// `path` "-" is standard input.
    public init(path: String) throws(AudioError) {
        name = path == "-" ? "stdin" : path
        if path == "-" {
            input = FileInput(descriptor: 0, name: "stdin", closeWhenDone: false)
        } else {
            var fd: Int32
            repeat { fd = open(path, O_RDONLY) } while fd < 0 && errno == EINTR
            guard fd >= 0 else { throw AudioError.cannotOpen(file: path, reason: FileInput.errorText(errno)) }
            input = FileInput(descriptor: fd, name: path, closeWhenDone: true)
        }
        let thread = Thread { [self] in readLoop() }
        thread.name = "whisper-live-input"
        thread.start()
    }

    /// Waits until at least `minimum` samples have arrived since the last call, or the input ends
    /// or fails; returns them, and whether the input has ended.
    public func next(minimum: Int) throws(AudioError) -> (samples: [Float], ended: Bool) {
        condition.lock()
        defer { condition.unlock() }
        while samples.count < minimum && !ended && failure == nil { condition.wait() }
        if let failure { throw failure }
        let out = samples
        samples.removeAll(keepingCapacity: true)
        return (out, ended)
    }

    private func readLoop() {
        do {
            let header = try readHeader()
            var carry = header              // bytes past the header, and an odd byte between reads
            while true {
                if carry.count >= 2 { deliver(&carry) }
                let piece = try readExactly(3200)         // 100 ms, or less at the end
                if piece.isEmpty { break }
                carry.append(contentsOf: piece)
            }
            deliver(&carry)
            finish(nil)
        } catch {
            finish(error)
        }
    }

    /// Reads a WAV header if the input starts with one (checking it is 16 kHz mono 16-bit PCM);
    /// returns the bytes read past it (raw PCM: everything read so far).
    private func readHeader() throws(AudioError) -> [UInt8] {
        var start = try readExactly(12)
        guard start.count == 12, start[0..<4].elementsEqual("RIFF".utf8), start[8..<12].elementsEqual("WAVE".utf8) else {
            return start
        }
        start.removeAll()
        var sawFormat = false
        while true {
            let chunk = try readExactly(8)
            guard chunk.count == 8 else { throw AudioError.missingDataChunk(file: name) }
            let id = String(decoding: chunk[0..<4], as: UTF8.self)
            let size = Int(chunk[4]) | Int(chunk[5]) << 8 | Int(chunk[6]) << 16 | Int(chunk[7]) << 24
            if id == "data" {
                guard sawFormat else { throw AudioError.missingFormatChunk(file: name) }
                return []
            }
            let body = try readExactly(size + (size & 1))
            guard body.count == size + (size & 1) else { throw AudioError.truncatedHeader(file: name, detail: "the \(id) chunk ends early") }
            if id == "fmt " {
                guard size >= 16 else { throw AudioError.formatChunkTooShort(file: name, size: size, needed: 16) }
                let code = UInt16(body[0]) | UInt16(body[1]) << 8
                let channels = Int(body[2]) | Int(body[3]) << 8
                let rate = Int(body[4]) | Int(body[5]) << 8 | Int(body[6]) << 16 | Int(body[7]) << 24
                let bits = Int(body[14]) | Int(body[15]) << 8
                guard code == 1 || code == 0xFFFE else {
                    throw AudioError.unsupportedEncoding(file: name, formatCode: code, name: "not integer PCM (--stream reads 16-bit PCM)")
                }
                guard bits == 16 else { throw AudioError.unsupportedBitDepth(file: name, bits: bits, encoding: "PCM (--stream reads 16-bit)") }
                guard channels == 1 else { throw AudioError.invalidChannelCount(file: name, channels: channels) }
                guard rate == WhisperAudio.sampleRate else { throw AudioError.invalidSampleRate(file: name, rate: rate) }
                sawFormat = true
            }
        }
    }

    private func readExactly(_ count: Int) throws(AudioError) -> [UInt8] {
        guard count > 0 else { return [] }
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { raw.deallocate() }
        let n = try input.read(into: raw)
        return Array(raw[0..<n])
    }

    /// Converts the whole 16-bit samples in `bytes` and hands them out; an odd byte stays.
    private func deliver(_ bytes: inout [UInt8]) {
        let count = bytes.count / 2
        guard count > 0 else { return }
        var converted = [Float](repeating: 0, count: count)
        for i in 0..<count {
            converted[i] = Float(Int16(bitPattern: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)) / 32768
        }
        bytes.removeFirst(2 * count)
        condition.lock()
        samples.append(contentsOf: converted)
        condition.signal()
        condition.unlock()
    }

    private func finish(_ error: AudioError?) {
        condition.lock()
        ended = true
        failure = error
        condition.signal()
        condition.unlock()
    }
}
