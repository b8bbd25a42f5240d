import Foundation
import WhisperCore
import WhisperPlatform

/// What the running CPU offers that a build may or may not use (Linux: /proc/cpuinfo).
enum CPUFeatures {
    static let flags: Set<String> = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }()

    /// The features relevant to the kernels that this CPU has.
    static var relevant: [String] { ["fma", "f16c", "avx2", "avx512f"].filter(flags.contains) }

    /// A note for stderr when the build leaves the CPU's FMA/F16C unused (nil otherwise).
    static var untunedBuildNote: String? {
        #if arch(x86_64)
        guard !BuildInfo.isTunedForCPU, flags.contains("fma") || flags.contains("f16c") else { return nil }
        return "whisper-cli: note: this binary was built without -target-cpu, so this CPU's "
            + relevant.joined(separator: ", ") + " go unused and transcription is many times slower; "
            + "build with `make` (or add -Xswiftc -target-cpu -Xswiftc native to swift build)"
        #else
        return nil
        #endif
    }

    static var versionText: String {
        "whisper-cli \(BuildInfo.version): \(BuildInfo.summary)\nthis CPU: "
            + (relevant.isEmpty ? "none of fma, f16c, avx2, avx512f" : relevant.joined(separator: " "))
    }
}
