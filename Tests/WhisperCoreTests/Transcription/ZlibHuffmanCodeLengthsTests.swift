import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// `ZlibHuffmanCodeLengths` must give exactly the code lengths zlib gives: the oracle is the header of
/// the block zlib writes when told to code literals only (Z_HUFFMAN_ONLY), where the literal counts
/// are simply the byte counts of the input. That header also holds zlib's code-length tree, built
/// from the run-length coding of the two trees (`DeflateBlock.countRuns`).
final class ZlibHuffmanCodeLengthsTests: XCTestCase {
    func testCodeLengthsMatchZlib() throws {
        var generator = TextSeededGenerator(seed: 0x7EE5)
        var profiles: [(name: String, counts: [Int])] = []
        func add(_ name: String, _ counts: [Int]) { profiles.append((name, counts)) }

        // Fibonacci-like counts: optimal codes deeper than 15 bits (zlib's length-limiting repair).
        // With the end-of-block symbol as the first 1, the counts 1, 2, 3, 5, … make one chain, each
        // count at least the sum of all smaller ones; `margin` makes each a little larger still, and
        // a few extra small counts disturb the bottom of the chain.
        for terms in 16...20 {
            for margin in 0..<3 {
                for extras in [0, 2, 6] {
                    var counts = [Int](repeating: 0, count: 256)
                    var symbols = Array(0..<256)
                    for i in stride(from: 255, to: 0, by: -1) { symbols.swapAt(i, generator.next(below: i + 1)) }
                    var (a, b) = (1, 2)
                    var total = 0
                    for k in 0..<terms where total + a <= 15_000 {
                        counts[symbols[k]] = a
                        total += a
                        (a, b) = (b, a + b + margin)
                    }
                    for k in terms..<(terms + extras) { counts[symbols[k]] = 1 + generator.next(below: 5) }
                    add("Fibonacci \(terms) terms, margin \(margin), \(extras) extras", counts)
                }
            }
        }
        // Geometric counts of various steepness (about 16 000 in all).
        for ratio in stride(from: 0.35, through: 0.9, by: 0.05) {
            var counts = [Int](repeating: 0, count: 256)
            var weight = 15_900 * (1 - ratio)
            for symbol in 0..<256 where weight >= 0.5 {
                counts[symbol] = Int(weight.rounded())
                weight *= ratio
            }
            add("geometric \(ratio)", counts)
        }
        // Ties everywhere: equal counts over various numbers of symbols.
        for (symbols, count) in [(2, 100), (3, 50), (5, 7), (16, 3), (100, 7), (255, 60), (256, 62), (37, 1), (200, 1)] {
            add("\(symbols) symbols × \(count)", (0..<256).map { $0 < symbols ? count : 0 })
        }
        add("one symbol", (0..<256).map { $0 == 97 ? 500 : 0 })
        add("one rare symbol", (0..<256).map { $0 == 0 ? 1 : 0 })
        // Random counts over random subsets, with many small and equal counts.
        for _ in 0..<400 {
            let used = 1 + generator.next(below: 256)
            let scale = [2, 10, 60, 300, 2000][generator.next(below: 5)]
            var counts = (0..<256).map { $0 < used ? generator.next(below: scale) : 0 }
            for i in stride(from: 255, to: 0, by: -1) { counts.swapAt(i, generator.next(below: i + 1)) }
            while counts.reduce(0, +) > 16_000 { counts = counts.map { $0 / 2 } }
            add("random, \(used) symbols up to \(scale)", counts)
        }

        let inputs: [[UInt8]] = profiles.map { profile in
            var bytes: [UInt8] = []
            for (symbol, count) in profile.counts.enumerated() {
                bytes += [UInt8](repeating: UInt8(symbol), count: count)
            }
            return bytes
        }
        XCTAssertTrue(inputs.allSatisfy { $0.count <= DeflateBlock.capacity }, "each input must fit one block")
        let (version, headers) = try ZlibOracle.huffmanOnlyHeaders(inputs)

        var compared = 0, repaired = 0, repairedCodeLength = 0
        for (profile, header) in zip(profiles, headers) {
            guard let header else { continue } // zlib chose a fixed or stored block: no header to compare
            compared += 1
            var frequencies = profile.counts + [Int](repeating: 0, count: DeflateAlphabet.literalLengthSymbols - 256)
            frequencies[DeflateAlphabet.endOfBlock] = 1
            let literal = ZlibHuffmanCodeLengths(frequencies: frequencies, maxLength: 15)
            let distance = ZlibHuffmanCodeLengths(frequencies: [Int](repeating: 0, count: 30), maxLength: 15)
            XCTAssertEqual(Array(literal.lengths.prefix(literal.maxCode + 1)), header.literalLength,
                           "\(profile.name): literal/length code lengths differ from zlib \(version)")
            XCTAssertEqual(Array(distance.lengths.prefix(distance.maxCode + 1)), header.distance,
                           "\(profile.name): distance code lengths differ from zlib \(version)")

            var runs = [Int](repeating: 0, count: DeflateAlphabet.codeLengthSymbols)
            DeflateBlock.countRuns(of: literal.lengths, through: literal.maxCode, into: &runs)
            DeflateBlock.countRuns(of: distance.lengths, through: distance.maxCode, into: &runs)
            let codeLength = ZlibHuffmanCodeLengths(frequencies: runs, maxLength: 7)
            XCTAssertEqual(codeLength.lengths, header.codeLength,
                           "\(profile.name): code-length code lengths differ from zlib \(version)")

            if Self.unlimitedDepth(frequencies) > 15 { repaired += 1 }
            if Self.unlimitedDepth(runs) > 7 { repairedCodeLength += 1 }
        }
        XCTAssertGreaterThan(compared, profiles.count / 2, "too few inputs got a dynamic block")
        XCTAssertGreaterThan(repaired, 10, "too few cases exercise the 15-bit limit")
        XCTAssertGreaterThan(repairedCodeLength, 10, "too few cases exercise the 7-bit limit")
        print("ZlibHuffmanCodeLengthsTests: \(compared) dynamic headers equal to zlib \(version)'s "
              + "(\(repaired) over 15 bits before the limit, \(repairedCodeLength) code-length trees over 7)")
    }

    /// The depth of an optimal (unlimited) Huffman code for `frequencies`: the number of merges
    /// above the deepest leaf, computed independently of the code under test.
    static func unlimitedDepth(_ frequencies: [Int]) -> Int {
        var nodes = frequencies.filter { $0 > 0 }.map { (weight: $0, depth: 0) }
        guard nodes.count > 1 else { return nodes.count }
        while nodes.count > 1 {
            nodes.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.depth > $1.depth }
            let a = nodes.removeLast(), b = nodes.removeLast()
            nodes.append((a.weight + b.weight, max(a.depth, b.depth) + 1))
        }
        return nodes[0].depth
    }
}
