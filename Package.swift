// swift-tools-version:6.0
import PackageDescription

// Swift 6.0 or later: the worker pool uses the Synchronization module (Atomic), new in Swift 6.
// The sources are in the Swift 5 language mode for now.
// No dependencies and no unsafe flags: WhisperCore must stay usable as a dependency.
// CPU tuning flags (-target-cpu) live in the Makefile.
let package = Package(
    name: "WhisperSwift",
    products: [
        .library(name: "WhisperCore", targets: ["WhisperCore"]),
        .executable(name: "whisper-cli", targets: ["WhisperCLI"]),
    ],
    targets: [
        .target(name: "WhisperCore"),
        .executableTarget(name: "WhisperCLI", dependencies: ["WhisperCore"]),
        // Unit, parity and CLI tests (the CLI tests run the built whisper-cli binary).
        .testTarget(name: "WhisperCoreTests", dependencies: ["WhisperCore"]),
    ],
    swiftLanguageModes: [.v5]
)
