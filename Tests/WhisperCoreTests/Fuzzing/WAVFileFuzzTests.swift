import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fuzzes the WAV reader: thousands of structure-aware mutations of valid WAV files of many
/// layouts, each read from a regular file (all at once, or in random pieces compared against the
/// whole), from a pipe (no size known in advance), or through `AudioLoader` (decoding and
/// resampling to 16 kHz). Every case must end in audio or a typed `AudioError` naming the file;
/// decoded samples must be finite, PCM within [-1, 1], and as many as the file can hold.
///
/// The fixed-seed run here is part of the suite; `make fuzz` runs many more cases with a fresh
/// seed (`FUZZ_CASES`, `FUZZ_SEED`; `FUZZ_CASE=N` replays one case and prints its mutation).
final class WAVFileFuzzTests: XCTestCase {
    static let fileName = "fuzzed-audio.wav"

    func testMutatedWAVFilesDecodeOrFailWithATypedError() throws {
        #if DEBUG
        let defaultCases = 3_000
        #else
        let defaultCases = 12_000
        #endif
        let configuration = FuzzRunner.Configuration.fromEnvironment(
            parser: "WAV reader", defaultCases: defaultCases, defaultSeed: 0x5741_5645)
        let mutators = WAVSeeds.all.map(WAVMutator.init)
        let path = try TemporaryFiles.directory().appendingPathComponent(Self.fileName).path

        let runner = FuzzRunner(configuration)
        runner.run(makeCase: { rng in
            mutators.randomElement(using: &rng)!.mutate(using: &rng)
        }, runCase: { bytes, rng, report in
            let mode = Int.random(in: 0..<20, using: &rng)
            var name = Self.fileName
            do {
                switch mode {
                case 0..<8:
                    try Self.writeFile(bytes, to: path)
                    let reader = try WAVReader(path: path)
                    let samples = try reader.readAllMono()
                    Self.check(samples, from: reader, fileSize: bytes.count, report: report)
                    if let expected = reader.expectedFrameCount, samples.count != expected {
                        report("frame count", "\(samples.count) frames decoded, \(expected) expected")
                    }
                    return .accepted("read whole from a file")
                case 8..<11:
                    // In random pieces: must equal reading at once.
                    try Self.writeFile(bytes, to: path)
                    let whole = try WAVReader(path: path).readAllMono()
                    let reader = try WAVReader(path: path)
                    var pieces: [Float] = []
                    while true {
                        let got = try reader.readMono(maxFrames: Int.random(in: 1...700, using: &rng), appendingTo: &pieces)
                        if got == 0 { break }
                    }
                    if pieces.count != whole.count || zip(pieces, whole).contains(where: { $0.bitPattern != $1.bitPattern }) {
                        report("piecewise reading", "\(pieces.count) samples in pieces, \(whole.count) at once, or different values")
                    }
                    return .accepted("read in pieces from a file")
                case 11..<14:
                    guard let pipe = Self.pipe(holding: bytes) else { return .accepted("skipped: pipe too small") }
                    let reader = try WAVReader(fileDescriptor: pipe, name: path, closeWhenDone: true)
                    let samples = try reader.readAllMono()
                    Self.check(samples, from: reader, fileSize: bytes.count, report: report)
                    return .accepted("read from a pipe")
                case 14..<18:
                    try Self.writeFile(bytes, to: path)
                    let reader = try WAVReader(path: path)
                    let frames = try reader.readAllMono().count
                    let rate = reader.sampleRate
                    let samples = try AudioLoader.loadMono16k(path: path)
                    let expected = rate == 16_000 ? frames : (frames * 16_000 + rate - 1) / rate
                    if samples.count != expected {
                        report("resampled length", "\(samples.count) samples at 16 kHz from \(frames) at \(rate) Hz, expected \(expected)")
                    }
                    if let bad = samples.firstIndex(where: { !$0.isFinite }) {
                        report("non-finite sample", "16 kHz sample \(bad) is \(samples[bad])")
                    }
                    return .accepted("loaded and resampled from a file")
                default:
                    #if os(Linux)
                    // Through a path that is a pipe (/dev/fd/N): AudioLoader without a known length.
                    guard let pipe = Self.pipe(holding: bytes) else { return .accepted("skipped: pipe too small") }
                    defer { close(pipe) }
                    name = "/dev/fd/\(pipe)"
                    let samples = try AudioLoader.loadMono16k(path: name)
                    if let bad = samples.firstIndex(where: { !$0.isFinite }) {
                        report("non-finite sample", "16 kHz sample \(bad) is \(samples[bad])")
                    }
                    if samples.count > 16 * bytes.count + 16 {
                        report("resampled length", "\(samples.count) samples at 16 kHz from a \(bytes.count)-byte file")
                    }
                    return .accepted("loaded and resampled from a pipe path")
                    #else
                    return .accepted("skipped: no /dev/fd pipes")
                    #endif
                }
            } catch {
                return .refused(error, file: name)
            }
        }, expectedErrorTypes: [AudioError.self, AllocationError.self])

        print(runner.report)
        XCTAssertEqual(runner.casesRun, configuration.onlyCase == nil ? configuration.cases : 1)
        XCTAssertTrue(runner.findings.isEmpty, "\(runner.findings.count) findings:\n"
                      + runner.findings.prefix(20).map(\.description).joined(separator: "\n"))
        XCTAssertLessThan(runner.slowestCase.seconds, configuration.slowLimit)
    }

    /// Decoded samples: finite, PCM within [-1, 1], no more frames than the file has bytes for.
    static func check(_ samples: [Float], from reader: WAVReader, fileSize: Int, report: (String, String) -> Void) {
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            report("non-finite sample", "sample \(bad) of \(samples.count) is \(samples[bad]) (\(reader.format.encoding), \(reader.channelCount) channels)")
        }
        let isFloat = reader.format.encoding == .float32 || reader.format.encoding == .float64
        if !isFloat, let bad = samples.firstIndex(where: { abs($0) > 1 }) {
            report("sample out of range", "sample \(bad) is \(samples[bad]) (\(reader.format.encoding))")
        }
        if samples.count * reader.format.bytesPerFrame > fileSize {
            report("frame count", "\(samples.count) frames of \(reader.format.bytesPerFrame) bytes from a \(fileSize)-byte file")
        }
        if samples.count != reader.framesRead {
            report("frame count", "\(samples.count) samples but framesRead = \(reader.framesRead)")
        }
    }

    static func writeFile(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AudioError.cannotOpen(file: path, reason: "cannot write the fuzz file") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw AudioError.readFailed(file: path, reason: "short write of the fuzz file") }
    }

    /// The read end of a pipe that holds `bytes` and whose write end is closed; nil if they do not fit.
    static func pipe(holding bytes: [UInt8]) -> Int32? {
        var ends: [Int32] = [0, 0]
        guard makePipe(&ends) == 0 else { return nil }
        #if os(Linux)
        if bytes.count > 60_000 { _ = fcntl(ends[1], 1031 /* F_SETPIPE_SZ */, 1 << 20) }
        #endif
        let written = bytes.isEmpty ? 0 : bytes.withUnsafeBytes { systemWrite(ends[1], $0.baseAddress, $0.count) }
        close(ends[1])
        guard written == bytes.count else {
            close(ends[0])
            return nil
        }
        return ends[0]
    }
}

#if canImport(Glibc)
private let makePipe: (UnsafeMutablePointer<Int32>) -> Int32 = { Glibc.pipe($0) }
private let systemWrite: (Int32, UnsafeRawPointer?, Int) -> Int = { Glibc.write($0, $1, $2) }
#else
private let makePipe: (UnsafeMutablePointer<Int32>) -> Int32 = { Darwin.pipe($0) }
private let systemWrite: (Int32, UnsafeRawPointer?, Int) -> Int = { Darwin.write($0, $1, $2) }
#endif
