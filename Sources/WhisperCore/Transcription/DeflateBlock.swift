/// One DEFLATE block as zlib collects it — how often each literal/length and distance symbol occurs —
/// and the coding zlib then chooses for it, with its exact size in bits.
///
/// zlib ends a block when its symbol buffer fills (16 383 symbols with the default memory level) or
/// when the input ends. It then prices three codings and keeps the smallest, with its own rules
/// for ties and rounding:
/// - *dynamic*: Huffman trees built for this block (``ZlibHuffmanCodeLengths``), plus a header that
///   run-length codes their code lengths with a third, small Huffman tree;
/// - *fixed*: the predefined tables of RFC 1951, no header — chosen when its size in whole bytes is
///   not larger than the dynamic one's;
/// - *stored*: the raw bytes behind a 4-byte length header, from the next byte boundary — chosen
///   when those bytes are still in zlib's buffer and, with the 4 bytes, do not exceed the better
///   Huffman coding's size in whole bytes.
struct DeflateBlock {
    /// How zlib codes a block.
    enum Coding: Equatable { case stored, fixed, dynamic }

    /// The most symbols a block holds (zlib's `lit_bufsize - 1` at memory level 8).
    static let capacity = (1 << 14) - 1

    private(set) var literalLengthFrequencies = [Int](repeating: 0, count: DeflateAlphabet.literalLengthSymbols)
    private(set) var distanceFrequencies = [Int](repeating: 0, count: DeflateAlphabet.distanceSymbols)
    /// Literals and matches so far (the end-of-block symbol not included).
    private(set) var symbolCount = 0

    init() { literalLengthFrequencies[DeflateAlphabet.endOfBlock] = 1 }

    var isFull: Bool { symbolCount == Self.capacity }

    mutating func addLiteral(_ byte: UInt8) {
        literalLengthFrequencies[Int(byte)] += 1
        symbolCount += 1
    }

    mutating func addMatch(length: Int, distance: Int) {
        let code = Int(DeflateAlphabet.lengthCode[length - DeflateAlphabet.minMatch])
        literalLengthFrequencies[DeflateAlphabet.endOfBlock + 1 + code] += 1
        distanceFrequencies[DeflateAlphabet.distanceCode(distance)] += 1
        symbolCount += 1
    }

    /// Empties the block for the next one.
    mutating func reset() {
        for i in literalLengthFrequencies.indices { literalLengthFrequencies[i] = 0 }
        for i in distanceFrequencies.indices { distanceFrequencies[i] = 0 }
        literalLengthFrequencies[DeflateAlphabet.endOfBlock] = 1
        symbolCount = 0
    }

    /// The coding zlib picks for this block and the bits it then writes after the 3-bit block
    /// header: Huffman codings give their exact bit count; a stored block gives the bits of its
    /// length header and bytes, which start at the next byte boundary.
    ///
    /// - Parameters:
    ///   - storedLength: the input bytes the block covers.
    ///   - storable: whether those bytes are still in zlib's window (else it cannot store them).
    func coding(storedLength: Int, storable: Bool) -> (coding: Coding, bits: Int) {
        let literalTree = ZlibHuffmanCodeLengths(frequencies: literalLengthFrequencies,
                                                 maxLength: DeflateAlphabet.maxCodeLength)
        let distanceTree = ZlibHuffmanCodeLengths(frequencies: distanceFrequencies,
                                                  maxLength: DeflateAlphabet.maxCodeLength)

        // The coded symbols under the block's own trees and under the fixed tables.
        var dynamicBits = 0
        var fixedBits = 0
        for symbol in 0..<DeflateAlphabet.literalLengthSymbols {
            let count = literalLengthFrequencies[symbol]
            guard count != 0 else { continue }
            let extra = symbol > DeflateAlphabet.endOfBlock
                ? DeflateAlphabet.lengthExtraBits[symbol - DeflateAlphabet.endOfBlock - 1] : 0
            dynamicBits += count * (literalTree.lengths[symbol] + extra)
            fixedBits += count * (DeflateAlphabet.fixedLiteralLengthBits(symbol) + extra)
        }
        for code in 0..<DeflateAlphabet.distanceSymbols {
            let count = distanceFrequencies[code]
            guard count != 0 else { continue }
            let extra = DeflateAlphabet.distanceExtraBits[code]
            dynamicBits += count * (distanceTree.lengths[code] + extra)
            fixedBits += count * (DeflateAlphabet.fixedDistanceBits + extra)
        }

        // The dynamic header: the two trees' code lengths, run-length coded (each tree on its own,
        // up to its last used symbol), then Huffman coded with the code-length tree.
        var codeLengthFrequencies = [Int](repeating: 0, count: DeflateAlphabet.codeLengthSymbols)
        Self.countRuns(of: literalTree.lengths, through: literalTree.maxCode, into: &codeLengthFrequencies)
        Self.countRuns(of: distanceTree.lengths, through: distanceTree.maxCode, into: &codeLengthFrequencies)
        let codeLengthTree = ZlibHuffmanCodeLengths(frequencies: codeLengthFrequencies,
                                                    maxLength: DeflateAlphabet.maxCodeLengthCodeLength)
        for symbol in 0..<DeflateAlphabet.codeLengthSymbols where codeLengthFrequencies[symbol] != 0 {
            dynamicBits += codeLengthFrequencies[symbol]
                * (codeLengthTree.lengths[symbol] + DeflateAlphabet.codeLengthExtraBits[symbol])
        }
        // The code-length tree's own lengths (3 bits each, at least 4 sent, trailing zeros in
        // transmission order dropped) and the three counts HLIT, HDIST, HCLEN (5 + 5 + 4 bits).
        var lastSent = DeflateAlphabet.codeLengthSymbols - 1
        while lastSent >= 3 && codeLengthTree.lengths[DeflateAlphabet.codeLengthOrder[lastSent]] == 0 {
            lastSent -= 1
        }
        dynamicBits += 3 * (lastSent + 1) + 5 + 5 + 4

        // zlib compares whole bytes, counting the 3-bit block header and rounding up.
        let fixedBytes = (fixedBits + 3 + 7) >> 3
        var bestBytes = (dynamicBits + 3 + 7) >> 3
        if fixedBytes <= bestBytes { bestBytes = fixedBytes }
        if storable && storedLength + 4 <= bestBytes {
            return (.stored, 32 + 8 * storedLength)
        }
        if fixedBytes == bestBytes { return (.fixed, fixedBits) }
        return (.dynamic, dynamicBits)
    }

    /// Counts the code-length symbols zlib emits for `lengths[0...last]`: a length that repeats is
    /// sent once and then as "repeat previous" (16, 3–6 times); runs of zeros as 17 (3–10) or
    /// 18 (11–138); runs too short for a repeat code are sent length by length.
    static func countRuns(of lengths: [Int], through last: Int, into counts: inout [Int]) {
        var previous = -1
        var next = lengths[0]
        var run = 0
        var (maxRun, minRun) = next == 0 ? (138, 3) : (7, 4)
        for i in 0...last {
            let current = next
            next = i < last ? lengths[i + 1] : -1 // past the last code: never equal
            run += 1
            if run < maxRun && current == next { continue }
            if run < minRun {
                counts[current] += run
            } else if current != 0 {
                if current != previous { counts[current] += 1 }
                counts[16] += 1
            } else if run <= 10 {
                counts[17] += 1
            } else {
                counts[18] += 1
            }
            run = 0
            previous = current
            if next == 0 {
                (maxRun, minRun) = (138, 3)
            } else if current == next {
                (maxRun, minRun) = (6, 3)
            } else {
                (maxRun, minRun) = (7, 4)
            }
        }
    }
}
