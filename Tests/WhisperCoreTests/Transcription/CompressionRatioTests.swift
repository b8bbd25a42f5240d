import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// `ZlibCompressedSize` must give exactly the length of Python's `zlib.compress(b)` (the compression
/// ratio behind Whisper's temperature fallback). Python's zlib, run at test time, is the oracle.
final class CompressionRatioTests: XCTestCase {
    // MARK: - Edge cases

    func testEdgeCases() throws {
        var cases: [(name: String, bytes: [UInt8])] = [
            ("empty", []),
            ("one byte", [0x61]),
            ("two bytes", [0x61, 0x62]),
            ("three equal bytes", [0x61, 0x61, 0x61]),
            ("four equal bytes", [0x61, 0x61, 0x61, 0x61]),
            ("byte 0xFF", [0xFF]),
            ("abcabc", Array("abcabc".utf8)),
            ("all-same 100 KB", [UInt8](repeating: 0x61, count: 100_000)),
            ("all-same 1 MB", [UInt8](repeating: 0x20, count: 1 << 20)),
            ("all bytes once", (0...255).map { UInt8($0) }),
            ("all bytes 300 times", (0..<(256 * 300)).map { UInt8($0 & 255) }),
        ]
        // Lengths around the window and buffer boundaries (32 KiB, 64 KiB, slide at 65 274).
        for n in [32_506, 32_768, 32_769, 65_274, 65_535, 65_536, 65_537, 65_800, 98_304, 98_600] {
            cases.append(("period-7 text, \(n) bytes", (0..<n).map { UInt8(97 + ($0 % 7)) }))
        }
        var generator = TextSeededGenerator(seed: 7)
        // Random bytes (192 values: Huffman coded, not stored, yet almost free of repeats) with one
        // 20-byte copy at the edge of zlib's reach: 32 506 back is reachable, 32 507 is not; and
        // copies near 65 274, where the buffer slides so that the source of a copy made exactly
        // there sits at buffer offset 0, which zlib treats as "no entry".
        for variant in 0..<4 {
            for (at, distance, n) in [(40_000, 32_506, 50_000), (40_000, 32_507, 50_000), (65_274, 32_506, 65_400),
                                      (65_274, 32_505, 65_400), (65_275, 32_506, 65_400), (65_273, 32_506, 65_400)] {
                var bytes = (0..<n).map { _ in UInt8(generator.next(below: 192)) }
                for k in 0..<20 { bytes[at + k] = bytes[at - distance + k] }
                cases.append(("copy at \(at) from \(distance) back, \(n) bytes, variant \(variant)", bytes))
            }
        }
        // Exactly 16 383 / 16 384 literals: a block boundary at the very end.
        for n in [16_382, 16_383, 16_384, 16_385, 32_766, 32_767] {
            cases.append(("random bytes, \(n)", (0..<n).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
        }
        let checked = try assertMatchesZlib(cases)
        XCTAssertEqual(checked, cases.count)
        XCTAssertEqual(CompressionRatio.of(""), 0)
    }

    /// Known facts about zlib's output that need no oracle.
    func testKnownSizes() {
        // An empty stream is header, one empty fixed block (10 bits → 2 bytes), checksum.
        XCTAssertEqual(ZlibCompressedSize.byteCount(of: []), 8)
        // One literal: 3 + 8 + 7 bits → 3 bytes.
        XCTAssertEqual(ZlibCompressedSize.byteCount(of: [0x61]), 9)
        // 1000 equal bytes: "a" then matches of 258, 258, 258, 225: at most 3 bytes of codes each.
        XCTAssertLessThan(ZlibCompressedSize.byteCount(of: [UInt8](repeating: 0x61, count: 1000)), 20)
    }

    /// Sizes recorded once from Python (zlib 1.2.13), so that some comparison runs without python3:
    ///
    ///     python3 -c "import zlib; print([len(zlib.compress(c)) for c in [b'a'*100000, b'ab'*5000,
    ///         bytes(range(256))*300, b'the quick brown fox jumps over the lazy dog. '*200,
    ///         bytes(i*i%251 for i in range(70000)), bytes((i*7919)%256 for i in range(20000))]])"
    func testRecordedSizes() {
        let recorded: [(bytes: [UInt8], zlibLength: Int)] = [
            ([UInt8](repeating: 0x61, count: 100_000), 121),
            (Array(String(repeating: "ab", count: 5000).utf8), 34),
            ((0..<(256 * 300)).map { UInt8($0 % 256) }, 629),
            (Array(String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 200).utf8), 96),
            ((0..<70_000).map { UInt8($0 * $0 % 251) }, 593),
            ((0..<20_000).map { UInt8($0 * 7919 % 256) }, 428),
        ]
        for (i, item) in recorded.enumerated() {
            XCTAssertEqual(ZlibCompressedSize.byteCount(of: item.bytes), item.zlibLength, "recorded case \(i)")
        }
    }

    // MARK: - The project's reference transcripts

    func testReferenceTranscripts() throws {
        let directory = URL(fileURLWithPath: try SharedData.reference("openai"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertFalse(files.isEmpty, "no reference transcripts in \(directory.path)")
        var texts: [(name: String, text: String)] = []
        for file in files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                XCTFail("\(file): not a JSON object"); continue
            }
            let segments = json["segments"] as? [[String: Any]] ?? []
            var whole = ""
            for (i, segment) in segments.enumerated() {
                let text = segment["text"] as? String ?? ""
                texts.append(("\(file) segment \(i)", text))
                whole += text
            }
            texts.append(("\(file) all segments", whole))
            // The window texts, as the transcriber decodes them for the fallback test.
            let tokenizer: Tokenizer
            if file.hasPrefix("tiny.en") {
                tokenizer = try SharedTokenizers.english()
            } else if file.hasPrefix("nano-v3") {
                tokenizer = try SharedTokenizers.largeV3()
            } else {
                tokenizer = try SharedTokenizers.multilingual()
            }
            for (i, window) in (json["windows"] as? [[String: Any]] ?? []).enumerated() {
                let tokens = window["tokens"] as? [Int] ?? []
                texts.append(("\(file) window \(i)", tokenizer.decode(tokens)))
            }
        }
        let checked = try assertMatchesZlib(texts.map { ($0.name, Array($0.text.utf8)) }, texts: texts.map(\.text))
        XCTAssertGreaterThan(checked, 50)
        print("CompressionRatioTests: \(checked) reference texts, all equal to Python's zlib")
    }

    // MARK: - Seeded random texts

    func testSeededRandomTexts() throws {
        var generator = TextSeededGenerator(seed: 0x5EED_2024)
        var cases: [(name: String, bytes: [UInt8])] = []
        var texts: [String?] = []
        for i in 0..<2500 {
            let roll = generator.next(below: 100)
            let target = roll < 70 ? generator.next(below: 3000)
                : roll < 92 ? 3000 + generator.next(below: 17_000)
                : 20_000 + generator.next(below: 52_000)
            let kind = RandomText.Kind.allCases[generator.next(below: RandomText.Kind.allCases.count)]
            let (bytes, text) = RandomText.make(kind, length: target, generator: &generator)
            cases.append(("#\(i) \(kind) \(bytes.count) bytes", bytes))
            texts.append(text)
        }
        // A few long inputs: many buffer slides.
        for (i, kind) in [RandomText.Kind.words, .mixed, .repeatedPhrase].enumerated() {
            let (bytes, text) = RandomText.make(kind, length: 1_000_000 + 997 * i, generator: &generator)
            cases.append(("long \(kind) \(bytes.count) bytes", bytes))
            texts.append(text)
        }
        let start = Date()
        let checked = try assertMatchesZlib(cases, texts: texts)
        XCTAssertEqual(checked, cases.count)
        let total = cases.reduce(0) { $0 + $1.bytes.count }
        print("CompressionRatioTests: \(checked) seeded random inputs (\(total) bytes), all equal to Python's zlib "
              + "(\(String(format: "%.2f", Date().timeIntervalSince(start))) s with the oracle)")
    }

    // MARK: - Timing

    /// Reports the cost of a call (printed; the only assertion is that the sizes are plausible).
    func testTiming() throws {
        var generator = TextSeededGenerator(seed: 99)
        func measure(_ samples: [[UInt8]]) -> Double {
            var total = 0
            let start = Date()
            for sample in samples { total += ZlibCompressedSize.byteCount(of: sample) }
            XCTAssertGreaterThanOrEqual(total, 8 * samples.count)
            return Date().timeIntervalSince(start) / Double(samples.count)
        }
        let short = (0..<2000).map { _ in
            RandomText.make(.words, length: 100 + generator.next(below: 200), generator: &generator).bytes
        }
        let window = (0..<2000).map { _ in
            RandomText.make(.words, length: 200 + generator.next(below: 1800), generator: &generator).bytes
        }
        let long = [RandomText.make(.words, length: 1 << 20, generator: &generator).bytes]
        let perShort = measure(short), perWindow = measure(window), perLong = measure(long)
        print("CompressionRatioTests timing: \(String(format: "%.1f", perShort * 1e6)) µs per call (100–300 bytes), "
              + "\(String(format: "%.1f", perWindow * 1e6)) µs per call (200–2000 bytes), "
              + "\(String(format: "%.1f", perLong * 1e3)) ms for 1 MiB")
    }

    // MARK: - Helpers

    /// Compares every input's computed length (and, where a text is given, its ratio) with Python's
    /// zlib; returns the number of inputs compared.
    @discardableResult
    private func assertMatchesZlib(_ cases: [(name: String, bytes: [UInt8])], texts: [String?] = [],
                                   file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let (version, expected) = try ZlibOracle.compressedLengths(cases.map(\.bytes))
        var mismatches = 0
        for (i, item) in cases.enumerated() {
            let computed = ZlibCompressedSize.byteCount(of: item.bytes)
            if computed != expected[i] {
                mismatches += 1
                if mismatches <= 20 {
                    XCTFail("\(item.name): computed \(computed) bytes, zlib \(version) gives \(expected[i])",
                            file: file, line: line)
                }
            }
            if i < texts.count, let text = texts[i], !item.bytes.isEmpty {
                let ratio = Double(item.bytes.count) / Double(expected[i])
                XCTAssertEqual(CompressionRatio.of(text), ratio, "\(item.name): ratio", file: file, line: line)
            }
        }
        XCTAssertEqual(mismatches, 0, "\(mismatches) of \(cases.count) sizes differ from zlib \(version)",
                       file: file, line: line)
        return cases.count
    }
}

/// A small deterministic generator (SplitMix64) for the random texts, independent of the library's.
struct TextSeededGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A number in 0..<bound.
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Texts with the repetition structure of transcripts (and some without any), for exercising every
/// path of zlib's parse and block coding.
enum RandomText {
    enum Kind: CaseIterable {
        /// Words from a small vocabulary, with punctuation.
        case words
        /// A phrase repeated with occasional changes: what a looping decoder produces.
        case repeatedPhrase
        /// Non-Latin scripts and emoji.
        case unicode
        /// Long runs of one character between words.
        case runs
        /// Arbitrary bytes (incompressible: stored blocks).
        case randomBytes
        /// Random letters (poorly compressible: fixed or stored blocks).
        case letters
        /// Pieces of all of the above, one after another.
        case mixed
    }

    static let vocabulary = [
        "the", "and", "of", "a", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on", "are",
        "as", "with", "his", "they", "I", "ask", "not", "what", "your", "country", "can", "do", "fellow",
        "Americans", "ich", "nicht", "дня", "вообще", "regiónnu", "日本語", "😀", "naïve", "über", "so",
    ]
    static let scripts: [ClosedRange<UInt32>] = [
        0x0410...0x044F, 0x4E00...0x4E80, 0x1F600...0x1F64F, 0x00C0...0x00FF, 0x0600...0x064A, 0x0041...0x005A,
    ]

    /// Bytes of about `length` (at least, except for `randomBytes`/`letters`, exactly) and, when
    /// they form a text, that text.
    static func make(_ kind: Kind, length: Int, generator g: inout TextSeededGenerator) -> (bytes: [UInt8], text: String?) {
        switch kind {
        case .randomBytes:
            return ((0..<length).map { _ in UInt8(truncatingIfNeeded: g.next()) }, nil)
        case .letters:
            let text = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8(97 + g.next(below: 26)))) })
            return (Array(text.utf8), text)
        default:
            var text = ""
            var bytes = 0
            while bytes < length {
                let piece = self.piece(kind == .mixed ? Kind.allCases[g.next(below: Kind.allCases.count)] : kind,
                                       generator: &g)
                text += piece
                bytes += piece.utf8.count
            }
            return (Array(text.utf8), text)
        }
    }

    private static func piece(_ kind: Kind, generator g: inout TextSeededGenerator) -> String {
        switch kind {
        case .words, .mixed:
            let vocabularySize = 3 + g.next(below: vocabulary.count - 3)
            var piece = ""
            for _ in 0..<(1 + g.next(below: 40)) {
                piece += " " + vocabulary[g.next(below: vocabularySize)]
                if g.next(below: 10) == 0 { piece += [".", ",", "?", "!"][g.next(below: 4)] }
            }
            return piece
        case .repeatedPhrase:
            let phrase = (0..<(1 + g.next(below: 8))).map { _ in vocabulary[g.next(below: vocabulary.count)] }
            var piece = ""
            for _ in 0..<(1 + g.next(below: 60)) {
                piece += " " + phrase.joined(separator: " ")
                if g.next(below: 7) == 0 { piece += " " + vocabulary[g.next(below: vocabulary.count)] }
            }
            return piece
        case .unicode:
            let range = scripts[g.next(below: scripts.count)]
            var piece = " "
            for _ in 0..<(1 + g.next(below: 30)) {
                let value = range.lowerBound + UInt32(g.next(below: Int(range.upperBound - range.lowerBound) + 1))
                piece.unicodeScalars.append(Unicode.Scalar(value) ?? "?")
                if g.next(below: 6) == 0 { piece += " " }
            }
            return piece
        case .runs:
            let character = ["a", " ", "-", "é", "♪", "0"][g.next(below: 6)]
            let run = 1 + g.next(below: g.next(below: 4) == 0 ? 3000 : 20)
            return String(repeating: character, count: run) + " " + vocabulary[g.next(below: vocabulary.count)]
        case .randomBytes, .letters:
            return String((0..<(1 + g.next(below: 200))).map { _ in
                Character(Unicode.Scalar(UInt8(33 + g.next(below: 94))))
            })
        }
    }
}
