// swift-tools-version:6.0
import PackageDescription

// An app's view of WhisperSwift: a package that depends on it by path and builds with nothing but
// `swift build -c release` (no CPU flags). The test suite builds and runs it.
let package = Package(
    name: "transcribe",
    dependencies: [.package(name: "WhisperSwift", path: "../..")],
    targets: [
        .executableTarget(name: "transcribe", dependencies: [
            .product(name: "WhisperCore", package: "WhisperSwift"),
            .product(name: "WhisperPlatform", package: "WhisperSwift"),
        ]),
    ]
)
