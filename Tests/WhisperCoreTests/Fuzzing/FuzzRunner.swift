import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one fuzz case ended.
enum FuzzOutcome {
    /// Parsed (and whatever else the case does) without error; `detail` names the path taken.
    case accepted(String)
    /// Refused with an error — which must be one of the library's typed errors naming `file`.
    case refused(Error, file: String)
}

/// Something a case did that it must never do. The run collects them and the test fails on any.
struct FuzzFinding: CustomStringConvertible {
    var caseIndex: Int
    var kind: String
    var detail: String
    var mutation: String

    var description: String { "case \(caseIndex) [\(kind)] \(detail) — mutation: \(mutation)" }
}

/// Runs seeded fuzz cases against one parser, counting outcomes and collecting findings.
///
/// Each case gets its own generator, derived from the run's seed and the case index, so any case
/// can be replayed alone (`FUZZ_SEED=S FUZZ_CASE=N`). While a case runs:
/// - a watchdog thread aborts the process, naming the case, if it takes longer than `hangLimit`;
/// - on Linux, the address space is capped at its current size plus a bound derived from the
///   input's size, so an allocation driven by an unchecked size field fails — and the trap it
///   causes is reported by a signal handler that names the case and its mutation;
/// - a case that takes more than `slowLimit` seconds of CPU time is a finding (CPU time of the
///   thread, not wall time, so a busy machine does not make a case "slow").
final class FuzzRunner {
    struct Configuration {
        var parser: String
        var seed: UInt64
        var cases: Int
        /// Replay only this case (and print its mutation).
        var onlyCase: Int?
        /// A case using more CPU seconds than this is a finding (debug builds are 10-30× slower).
        var slowLimit: Double = FuzzRunner.isDebugBuild ? 20 : 1
        var hangLimit: Double = 60
        /// Address-space headroom per case: `fixedHeadroom + inputFactor × input bytes`.
        var fixedHeadroom = 128 << 20
        var inputFactor = 64

        /// Counts and seed from the environment (`FUZZ_CASES`, `FUZZ_SEED`, `FUZZ_CASE`), else the defaults.
        static func fromEnvironment(parser: String, defaultCases: Int, defaultSeed: UInt64) -> Configuration {
            let env = ProcessInfo.processInfo.environment
            let cases = env["FUZZ_CASES"].flatMap { Int($0) } ?? defaultCases
            let seed = env["FUZZ_SEED"].flatMap { UInt64($0) } ?? defaultSeed
            return Configuration(parser: parser, seed: seed, cases: cases, onlyCase: env["FUZZ_CASE"].flatMap { Int($0) })
        }
    }

    static var isDebugBuild: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }

    let configuration: Configuration
    private(set) var outcomes: [String: Int] = [:]
    private(set) var findings: [FuzzFinding] = []
    private(set) var casesRun = 0
    private(set) var slowestCase: (seconds: Double, index: Int, mutation: String) = (0, -1, "")
    private(set) var totalSeconds: Double = 0

    init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// The generator of case `index`: independent of every other case.
    static func generator(seed: UInt64, index: Int) -> SeededGenerator {
        var mixer = SeededGenerator(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        return SeededGenerator(seed: mixer.next())
    }

    /// Runs the cases. `makeCase` turns a generator into an input (bytes and a description of the
    /// mutation); `runCase` parses it and returns the outcome, or records findings through `report`.
    func run(makeCase: (inout SeededGenerator) -> (bytes: [UInt8], mutation: String),
             runCase: (_ bytes: [UInt8], _ rng: inout SeededGenerator, _ report: (String, String) -> Void) -> FuzzOutcome,
             expectedErrorTypes: [Any.Type]) {
        CrashReporter.install()
        Watchdog.start(limit: configuration.hangLimit)
        defer { Watchdog.stop() }
        let start = DispatchTime.now().uptimeNanoseconds
        let indices = configuration.onlyCase.map { [$0] } ?? Array(0..<configuration.cases)
        for index in indices {
            var rng = Self.generator(seed: configuration.seed, index: index)
            CrashReporter.enter(parser: configuration.parser, seed: configuration.seed, index: index, mutation: "(while mutating)")
            let input = makeCase(&rng)
            if configuration.onlyCase != nil {
                print("fuzz \(configuration.parser): case \(index), \(input.bytes.count) bytes: \(input.mutation)")
            }
            CrashReporter.enter(parser: configuration.parser, seed: configuration.seed, index: index, mutation: input.mutation)
            AddressSpaceCap.apply(headroom: configuration.fixedHeadroom + configuration.inputFactor * input.bytes.count)
            let caseStart = DispatchTime.now().uptimeNanoseconds
            let cpuStart = Self.threadCPUSeconds()
            Watchdog.caseStarted(at: caseStart)
            var caseFindings: [(String, String)] = []
            let outcome = runCase(input.bytes, &rng) { kind, detail in caseFindings.append((kind, detail)) }
            let seconds = Self.threadCPUSeconds() - cpuStart
            Watchdog.caseEnded()
            AddressSpaceCap.lift()
            CrashReporter.leave()
            casesRun += 1

            switch outcome {
            case .accepted(let path):
                outcomes["accepted: " + path, default: 0] += 1
            case .refused(let thrown, let fileName):
                let error = specific(thrown)
                outcomes[Self.kind(of: error), default: 0] += 1
                if !expectedErrorTypes.contains(where: { $0 == type(of: error) }) {
                    caseFindings.append(("untyped error", "\(type(of: error)): \(error)"))
                } else if !"\(error)".contains(fileName), !(error is AllocationError) {
                    caseFindings.append(("message without the file name", "\(error)"))
                }
            }
            if seconds > configuration.slowLimit {
                caseFindings.append(("slow", String(format: "%.3f s", seconds)))
            }
            if seconds > slowestCase.seconds { slowestCase = (seconds, index, input.mutation) }
            for (kind, detail) in caseFindings {
                findings.append(FuzzFinding(caseIndex: index, kind: kind, detail: detail, mutation: input.mutation))
            }
        }
        totalSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// CPU time consumed by the calling thread, in seconds.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// An error's type and case name, e.g. `ModelLoadError.truncated`, `AudioError.invalidSampleRate`.
    static func kind(of error: Error) -> String {
        let typeName = String(describing: type(of: error))
        var subject: Any = error
        // Struct errors (ModelLoadError, VADModelError) carry their case in `reason`.
        if let reason = Mirror(reflecting: error).children.first(where: { $0.label == "reason" })?.value { subject = reason }
        let mirror = Mirror(reflecting: subject)
        if mirror.displayStyle == .enum {
            let name = mirror.children.first?.label ?? String(describing: subject)
            return "\(typeName).\(name)"
        }
        return typeName
    }

    /// The run's counts, for the test log.
    var report: String {
        var lines = ["fuzz \(configuration.parser): \(casesRun) cases (seed \(configuration.seed)) in "
                     + String(format: "%.1f s (%.0f cases/s); slowest case %d took %.1f ms of CPU time",
                              totalSeconds, Double(casesRun) / max(totalSeconds, 1e-9), slowestCase.index,
                              slowestCase.seconds * 1000) + " (\(slowestCase.mutation))"]
        for (kind, count) in outcomes.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append(String(format: "  %7d  %@", count, kind))
        }
        lines.append("  findings: \(findings.count)")
        for finding in findings.prefix(30) { lines.append("    \(finding)") }
        return lines.joined(separator: "\n")
    }
}

/// Reports which fuzz case was running when the process receives a fatal signal (a Swift trap is
/// SIGILL or SIGTRAP; a failed allocation, SIGABRT or a trap; a wild pointer, SIGSEGV or SIGBUS).
/// Everything the handler writes is prepared beforehand: it only calls `write`.
enum CrashReporter {
    private static var installed = false
    private static let capacity = 1024
    private static let message = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    private static var messageLength = 0
    private static var active = false

    /// `FUZZ_BACKTRACE=1` leaves the signals to Swift's backtracer (a replayed case then shows its stack).
    static func install() {
        guard !installed, ProcessInfo.processInfo.environment["FUZZ_BACKTRACE"] == nil else { return }
        installed = true
        for sig in [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { sig in CrashReporter.handle(sig) }
            #else
            action.__sigaction_u.__sa_handler = { sig in CrashReporter.handle(sig) }
            #endif
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
            sigaction(sig, &action, nil)
        }
    }

    static func enter(parser: String, seed: UInt64, index: Int, mutation: String) {
        let text = "\n*** fuzz \(parser): the process died in case \(index) — replay it with "
            + "FUZZ_SEED=\(seed) FUZZ_CASE=\(index); mutation: \(mutation)\n"
        let bytes = Array(text.utf8.prefix(capacity))
        bytes.withUnsafeBufferPointer { message.update(from: $0.baseAddress!, count: bytes.count) }
        messageLength = bytes.count
        active = true
    }

    static func leave() { active = false }

    private static func handle(_ sig: Int32) {
        if active { _ = write(2, message, messageLength) }
        // SA_RESETHAND restored the default action: raising again ends the process as it would have.
        raise(sig)
    }
}

/// Aborts the process when a case runs longer than the limit (an infinite loop must not hang the suite).
enum Watchdog {
    private static var thread: Thread?
    private static var caseStart: UInt64 = 0
    private static var running = false

    static func start(limit: Double) {
        guard thread == nil else { return }
        running = true
        let t = Thread {
            while Watchdog.running {
                Thread.sleep(forTimeInterval: 0.25)
                let started = Watchdog.caseStart
                if started != 0, Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9 > limit {
                    let text = "\n*** fuzz: a case has run for more than \(Int(limit)) s (hang?); aborting\n"
                    _ = text.withCString { write(2, $0, strlen($0)) }
                    abort()
                }
            }
        }
        thread = t
        t.start()
    }

    static func stop() {
        running = false
        thread = nil
    }

    static func caseStarted(at time: UInt64) { caseStart = time }
    static func caseEnded() { caseStart = 0 }
}

/// Caps the process's address space while a case runs (Linux): its current size plus a headroom
/// derived from the input's size. An allocation beyond it fails, which Swift turns into a trap
/// that `CrashReporter` names. Elsewhere this does nothing.
enum AddressSpaceCap {
    private static var original: rlimit?

    static func apply(headroom: Int) {
        #if os(Linux)
        guard let size = currentSize() else { return }
        if original == nil {
            var limit = rlimit()
            guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0 else { return }
            original = limit
        }
        guard let original, original.rlim_cur == rlim_t.max else { return }
        var capped = original
        capped.rlim_cur = rlim_t(size + headroom)
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &capped)
        #endif
    }

    static func lift() {
        #if os(Linux)
        guard var limit = original else { return }
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        #endif
    }

    /// Bytes of address space in use (`/proc/self/statm`, first field, in pages).
    private static func currentSize() -> Int? {
        #if os(Linux)
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 63) }
        guard n > 0 else { return nil }
        var pages = 0
        for b in buffer[0..<n] {
            guard b >= 48, b <= 57 else { break }
            pages = pages * 10 + Int(b - 48)
        }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return nil
        #endif
    }
}

/// Interesting values for integer fields: boundaries, powers of two, signed extremes.
enum InterestingValues {
    static let int32: [Int32] = [
        0, 1, -1, 2, 3, 4, 5, 7, 8, 15, 16, 31, 32, 33, 64, 80, 127, 128, 129, 201, 202, 255, 256, 257,
        448, 449, 1023, 1024, 1025, 1500, 1501, 4096, 8192, 8193, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        51863, 51864, 51865, 51866, 51867, 1 << 20, 1 << 24, 1 << 30, (1 << 30) + 1, Int32.max - 1, Int32.max,
        Int32.min, Int32.min + 1, -2, -4, -256, -65536,
    ]
    static let uint16: [UInt16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 20, 23, 24, 25, 31, 32, 33,
                                   48, 63, 64, 65, 127, 128, 255, 256, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF]

    /// A replacement for a 32-bit field currently holding `current`.
    static func int32(near current: Int32, using rng: inout SeededGenerator) -> Int32 {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return current &+ 1
        case 1: return current &- 1
        case 2: return current &* 2
        case 3: return current / 2
        case 4: return current.byteSwapped
        case 5: return Int32(truncatingIfNeeded: rng.next())
        case 6: return current ^ Int32(bitPattern: 1 << UInt32.random(in: 0..<32, using: &rng))
        default: return int32.randomElement(using: &rng)!
        }
    }

    static func uint16(near current: UInt16, using rng: inout SeededGenerator) -> UInt16 {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return current &+ 1
        case 1: return current &- 1
        case 2: return current &* 2
        case 3: return UInt16(truncatingIfNeeded: rng.next())
        default: return uint16.randomElement(using: &rng)!
        }
    }
}

extension Array where Element == UInt8 {
    func int32(at offset: Int) -> Int32 {
        guard offset >= 0, offset + 4 <= count else { return 0 }
        return Int32(bitPattern: UInt32(self[offset]) | UInt32(self[offset + 1]) << 8
            | UInt32(self[offset + 2]) << 16 | UInt32(self[offset + 3]) << 24)
    }

    mutating func setInt32(_ value: Int32, at offset: Int) {
        guard offset >= 0, offset + 4 <= count else { return }
        let u = UInt32(bitPattern: value)
        for i in 0..<4 { self[offset + i] = UInt8(truncatingIfNeeded: u >> (8 * UInt32(i))) }
    }

    func uint16(at offset: Int) -> UInt16 {
        guard offset >= 0, offset + 2 <= count else { return 0 }
        return UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    mutating func setUInt16(_ value: UInt16, at offset: Int) {
        guard offset >= 0, offset + 2 <= count else { return }
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    /// Flips `count` random bits, each in `range` (the whole array by default).
    mutating func flipBits(_ count: Int, in range: Range<Int>? = nil, using rng: inout SeededGenerator) {
        let r = range ?? 0..<self.count
        guard !r.isEmpty else { return }
        for _ in 0..<count {
            self[Int.random(in: r, using: &rng)] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
        }
    }
}

extension SeededGenerator {
    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { nextUnit() < p }
}
