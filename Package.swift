// swift-tools-version:6.0
import PackageDescription

// Swift 6.0 or later: the worker pool uses the Synchronization module (Atomic), new in Swift 6.
// The sources are in the Swift 5 language mode for now.
// No dependencies and no unsafe flags: WhisperCore must stay usable as a dependency.
// CPU tuning flags (-target-cpu) live in the Makefile.
let package = Package(
    name: "WhisperSwift",
    products: [
        // The engine in the standard library alone (no Foundation): bytes in, text out.
        .library(name: "WhisperCore", targets: ["WhisperCore"]),
        // The engine on Linux and macOS: files, memory-mapped models, threads, clocks.
        .library(name: "WhisperPlatform", targets: ["WhisperPlatform"]),
        .executable(name: "whisper-cli", targets: ["WhisperCLI"]),
    ],
    targets: [
        .target(name: "WhisperCore"),
        .target(name: "WhisperPlatform", dependencies: ["WhisperCore"]),
        .executableTarget(name: "WhisperCLI", dependencies: ["WhisperCore", "WhisperPlatform"]),
        // Unit, parity and CLI tests (the CLI tests run the built whisper-cli binary).
        .testTarget(name: "WhisperCoreTests", dependencies: ["WhisperCore", "WhisperPlatform"]),
    ],
    swiftLanguageModes: [.v5]
)
