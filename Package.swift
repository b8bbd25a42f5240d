// swift-tools-version:5.9
import PackageDescription

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
    ]
)
