import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fuzzes `whisper-cli convert`'s readers: mutated CTranslate2 `model.bin` files and Hugging Face
/// safetensors files (bit flips, truncations, size and offset fields overwritten, header text
/// edited), each read and — when it still reads — written as GGML to /dev/null. Every case must
/// end in success or a typed error naming the file: no trap, no hang, no allocation beyond a bound.
final class CheckpointFuzzTests: XCTestCase {
    func testMutatedCheckpointsReadOrFailWithATypedError() throws {
        let configuration = FuzzRunner.Configuration.fromEnvironment(parser: "checkpoint importers", defaultCases: 1_500,
                                                                       defaultSeed: 0xC72)
        let scratch = try TemporaryDirectory("fuzz-checkpoints")
        defer { scratch.remove() }
        let source = try GGMLModelFile(file: try ModelFileBuilder.tiny(audioCtx: 16).bytes().withUnsafeBytes {
            try MappedFile(copying: $0, path: "crafted.bin")
        })
        let writer = CheckpointWriter(model: source)
        try writer.writeCTranslate2(to: scratch.file("ct2"), weights: .int8)
        try writer.writeHuggingFace(to: scratch.file("hf"), element: .f16)
        let ctBase = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch.file("ct2/model.bin"))))
        let hfBase = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch.file("hf/model.safetensors"))))
        let sink = open("/dev/null", O_WRONLY)
        defer { close(sink) }

        let runner = FuzzRunner(configuration)
        var lastWasCT2 = true
        runner.run(makeCase: { rng in
            lastWasCT2 = rng.chance(0.5)
            var bytes = lastWasCT2 ? ctBase : hfBase
            var mutation: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    let cut = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes.removeSubrange(cut...)
                    mutation.append("truncated at \(cut)")
                case 1:
                    for _ in 0..<Int.random(in: 1...8, using: &rng) where !bytes.isEmpty {
                        let at = Int.random(in: 0..<min(bytes.count, 4096), using: &rng)
                        bytes[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                    }
                    mutation.append("bit flips in the first 4 KB")
                case 2:
                    guard bytes.count >= 8 else { continue }
                    let at = Int.random(in: 0..<(min(bytes.count, 4096) - 4), using: &rng)
                    let value = [UInt32(0), 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, UInt32.random(in: 0...UInt32.max, using: &rng)]
                        .randomElement(using: &rng)!
                    withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(at..<(at + 4), with: $0) }
                    mutation.append("u32 at \(at) = \(value)")
                default:
                    // Edit a digit of a number in the text (safetensors header, or a CT2 name).
                    let digits = bytes.indices.prefix(4096).filter { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
                    if let at = digits.randomElement(using: &rng) {
                        bytes[at] = [0x30, 0x39, 0x2D, 0x22, 0x7D].randomElement(using: &rng)!
                        mutation.append("digit at \(at) edited")
                    }
                }
            }
            return (bytes, (lastWasCT2 ? "model.bin: " : "safetensors: ") + mutation.joined(separator: "; "))
        }, runCase: { bytes, _, _ in
            let folder = lastWasCT2 ? scratch.file("ct2") : scratch.file("hf")
            let name = folder + (lastWasCT2 ? "/model.bin" : "/model.safetensors")
            do {
                let mapFile: (String) throws -> MappedFile = { path in
                    if path.hasSuffix(lastWasCT2 ? "/model.bin" : "/model.safetensors") {
                        return try bytes.withUnsafeBytes { try MappedFile(copying: $0, path: name) }
                    }
                    return try MappedFile(path: path)
                }
                let readText: (String) throws -> [UInt8]? = { path in
                    FileManager.default.contents(atPath: path).map { [UInt8]($0) }
                }
                let model = lastWasCT2
                    ? try CTranslate2Checkpoint.read(directory: folder, mapFile: mapFile, readText: readText)
                    : try HuggingFaceCheckpoint.read(directory: folder, mapFile: mapFile, readText: readText)
                try GGMLModelWriter.validate(model)
                var fileSink = FileSink(descriptor: sink, path: name)
                try GGMLModelWriter.write(model, as: .f16, into: &fileSink)
                return .accepted("read and written")
            } catch {
                // Every message names the folder: the file in it, or the folder for a missing tensor.
                return .refused(error, file: folder)
            }
        }, expectedErrorTypes: [ImportError.self, ModelLoadError.self, AllocationError.self])
        print(runner.report)
        XCTAssertGreaterThan(runner.casesRun, 0)
        XCTAssertTrue(runner.findings.isEmpty, "\(runner.findings.count) findings:\n"
                      + runner.findings.prefix(10).map(\.description).joined(separator: "\n"))
    }
}
