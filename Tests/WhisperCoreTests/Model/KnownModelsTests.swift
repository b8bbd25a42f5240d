import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// SHA-256 / SHA-1 against published test vectors and `../shared`'s SHA256SUMS, and the
/// known-model table's consistency.
final class ChecksumTests: XCTestCase {
    func sha256(_ text: String) -> String {
        var h = SHA256()
        h.update(Array(text.utf8))
        return h.hexDigest()
    }

    func sha1(_ text: String) -> String {
        var h = SHA1()
        h.update(Array(text.utf8))
        return h.hexDigest()
    }

    func testFIPSVectors() {
        XCTAssertEqual(sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(sha1(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(sha1("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    func testMillionAsInUnevenPieces() {
        var a256 = SHA256(), a1 = SHA1()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 997)
        var fed = 0
        while fed < 1_000_000 {
            let n = min(piece.count - fed % 7, 1_000_000 - fed)
            a256.update(piece.prefix(n))
            a1.update(piece.prefix(n))
            fed += n
        }
        XCTAssertEqual(a256.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        XCTAssertEqual(a1.hexDigest(), "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Lengths around the padding boundary (55, 56, 63, 64, 65 bytes), against Python's hashlib.
    func testPaddingBoundaries() throws {
        for length in [55, 56, 63, 64, 65, 119, 120] {
            let text = String(repeating: "x", count: length)
            let expected = try python("import hashlib;print(hashlib.sha256(b'x'*\(length)).hexdigest(), hashlib.sha1(b'x'*\(length)).hexdigest())")
                .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
            XCTAssertEqual([sha256(text), sha1(text)], expected, "length \(length)")
        }
    }

    /// Output of a Python one-liner; skips the test where python3 is missing.
    func python(_ code: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw XCTSkip("python3 is not available") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("python3 is not available") }
        return String(decoding: data, as: UTF8.self)
    }

    func testFileDigestMatchesSharedChecksums() throws {
        let sums = try String(contentsOfFile: try SharedData.require().appendingPathComponent("models/SHA256SUMS").path, encoding: .utf8)
        for name in ["nano-synthetic-f16.bin", "nano-synthetic-q8_0.bin"] {
            let line = try XCTUnwrap(sums.split(separator: "\n").first { $0.hasSuffix(name) })
            let expected = String(line.prefix(64))
            XCTAssertEqual(try FileDigest.hex(ofFile: try SharedData.model(name), algorithm: .sha256), expected, name)
        }
        XCTAssertThrowsError(try FileDigest.hex(ofFile: "/nonexistent/file", algorithm: .sha256))
    }
}

final class KnownModelsTests: XCTestCase {
    func testTableIsWellFormed() {
        let names = KnownModels.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count, "names are unique")
        for family in ["tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
                       "large-v1", "large-v2", "large-v3", "large-v3-turbo"] {
            XCTAssertNotNil(KnownModels.named(family), family)
        }
        for model in KnownModels.all {
            XCTAssertEqual(model.sha1.count, 40, model.name)
            XCTAssertTrue(model.sha1.allSatisfy(\.isHexDigit) && model.sha1 == model.sha1.lowercased(), model.name)
            if let sha256 = model.sha256 {
                XCTAssertEqual(sha256.count, 64, model.name)
                XCTAssertTrue(sha256.allSatisfy(\.isHexDigit) && sha256 == sha256.lowercased(), model.name)
            }
            if let bytes = model.bytes {
                // Within 10% of the size the model card states in MiB/GiB.
                let parts = model.approximateSize.split(separator: " ")
                let scale = Double(parts[1] == "GiB" ? 1 << 30 : 1 << 20)
                let approximate = Double(parts[0])! * scale
                XCTAssertEqual(Double(bytes), approximate, accuracy: approximate * 0.1, model.name)
            }
            XCTAssertEqual(model.isEnglishOnly, model.name.contains(".en"))
            XCTAssertTrue(model.url().hasPrefix("https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-"))
            XCTAssertTrue(model.url().hasSuffix(model.fileName))
        }
        XCTAssertEqual(KnownModels.named("ggml-base.en.bin")?.name, "base.en")
        XCTAssertNil(KnownModels.named("huge"))
        XCTAssertEqual(KnownModels.named("tiny")?.checksum.algorithm, .sha256)
        XCTAssertEqual(KnownModels.named("tiny-q8_0")?.checksum.algorithm, .sha1)
    }

    /// The synthetic tiny.en in ../shared has exactly the real file's size (see its README).
    func testTinyEnSizeMatchesTheSyntheticTwin() throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: try SharedData.model("tiny.en-synthetic-f16.bin"))
        XCTAssertEqual((attributes[.size] as? NSNumber)?.int64Value, KnownModels.named("tiny.en")?.bytes)
    }
}
