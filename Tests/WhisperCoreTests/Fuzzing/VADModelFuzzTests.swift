import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Fuzzes the Silero VAD model loader (`--vad-model`, a third file format from outside) with the
/// GGML mutator over the VAD layout: header integers, tensor headers, records duplicated, swapped
/// or dropped, special float values, truncations. A file that still loads must give speech
/// probabilities in [0, 1] on a second of noise.
final class VADModelFuzzTests: XCTestCase {
    static let fileName = "fuzzed-vad.bin"

    func testMutatedVADModelsLoadOrFailWithATypedError() throws {
        let configuration = FuzzRunner.Configuration.fromEnvironment(
            parser: "VAD model loader", defaultCases: FuzzRunner.isDebugBuild ? 500 : 15_000, defaultSeed: 0x5641_4430)
        var mutators: [GGMLMutator] = []
        for bytes in [VADModelFileBuilder.small().bytes, VADModelFileBuilder.small(seed: 5).bytes] {
            mutators.append(GGMLMutator(base: bytes, layout: GGMLFileLayout(vadModel: bytes)))
        }
        if SharedData.isAvailable, let data = FileManager.default.contents(atPath: try SharedData.model("silero-v6.2.0-ggml.bin")) {
            let bytes = [UInt8](data)
            mutators.append(GGMLMutator(base: bytes, layout: GGMLFileLayout(vadModel: bytes)))
        }
        let path = try TemporaryFiles.directory().appendingPathComponent(Self.fileName).path

        let runner = FuzzRunner(configuration)
        runner.run(makeCase: { rng in
            mutators.randomElement(using: &rng)!.mutate(using: &rng)
        }, runCase: { bytes, rng, report in
            do {
                let file = try bytes.withUnsafeBytes { try MappedFile(copying: $0, path: path) }
                let model = try SileroVADModel(file: file)
                let vad = SileroVAD(model: model)
                let noise = (0..<16_000).map { _ in Float.random(in: -0.5...0.5, using: &rng) }
                let probabilities = vad.probabilities(of: noise)
                if let bad = probabilities.first(where: { !($0 >= 0 && $0 <= 1) }) {
                    report("speech probability", "\(bad) is not a probability")
                }
                return .accepted("loaded, probabilities computed")
            } catch {
                return .refused(error, file: Self.fileName)
            }
        }, expectedErrorTypes: [VADModelError.self, ModelLoadError.self, AllocationError.self])

        print(runner.report)
        XCTAssertEqual(runner.casesRun, configuration.onlyCase == nil ? configuration.cases : 1)
        XCTAssertTrue(runner.findings.isEmpty, "\(runner.findings.count) findings:\n"
                      + runner.findings.prefix(20).map(\.description).joined(separator: "\n"))
        XCTAssertLessThan(runner.slowestCase.seconds, configuration.slowLimit)
    }
}
