import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class QuantizedBlockTests: XCTestCase {
    /// Nibble bytes where weight j (< 16) has code j and weight j + 16 has code 15 − j.
    private let rampNibbles: [UInt8] = (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }

    func testQ4_0HandBuiltBlock() {
        let bytes: [UInt8] = [0x00, 0x38] + rampNibbles          // d = 0.5
        let block = Q4_0Block(bytes: bytes)
        let expected = (0..<32).map { j -> Float in Float((j < 16 ? j : 31 - j) - 8) * 0.5 }
        XCTAssertEqual(block.values, expected)
        XCTAssertEqual(block.bytes, bytes)
        XCTAssertEqual(try Dequantization.dequantize(.q4_0, bytes: bytes.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[...]) }, count: 32), expected)
    }

    func testQ4_1HandBuiltBlock() {
        let bytes: [UInt8] = [0x00, 0x34, 0x00, 0xBC] + rampNibbles   // d = 0.25, m = −1
        let block = Q4_1Block(bytes: bytes)
        let expected = (0..<32).map { j -> Float in Float(j < 16 ? j : 31 - j) * 0.25 - 1 }
        XCTAssertEqual(block.values, expected)
        XCTAssertEqual(block.bytes, bytes)
    }

    func testQ5_0HandBuiltBlock() {
        let high: UInt32 = 0xA5C3_0F01
        let bytes: [UInt8] = [0x00, 0x40] + [0x01, 0x0F, 0xC3, 0xA5] + rampNibbles   // d = 2, qh little-endian
        let block = Q5_0Block(bytes: bytes)
        XCTAssertEqual(block.fifthBits, high)
        let expected = (0..<32).map { j -> Float in
            let low: Int = j < 16 ? j : 31 - j
            let fifth: Int = Int((high >> UInt32(j)) & 1) * 16
            return Float(low + fifth - 16) * 2
        }
        XCTAssertEqual(block.values, expected)
        XCTAssertEqual(block.bytes, bytes)
    }

    func testQ5_1HandBuiltBlock() {
        let high: UInt32 = 0x8000_0001
        let bytes: [UInt8] = [0x00, 0x3C, 0x00, 0x42] + [0x01, 0x00, 0x00, 0x80] + rampNibbles  // d = 1, m = 3
        let block = Q5_1Block(bytes: bytes)
        let expected = (0..<32).map { j -> Float in
            let low: Int = j < 16 ? j : 31 - j
            let fifth: Int = Int((high >> UInt32(j)) & 1) * 16
            return Float(low + fifth) + 3
        }
        XCTAssertEqual(block.values, expected)
        XCTAssertEqual(block.bytes, bytes)
    }

    func testQ8_0HandBuiltBlock() {
        let codes: [Int8] = (0..<32).map { Int8(truncatingIfNeeded: $0 * 9 - 128) }
        let bytes: [UInt8] = [0x00, 0xB8] + codes.map { UInt8(bitPattern: $0) }   // d = −0.5
        let block = Q8_0Block(bytes: bytes)
        XCTAssertEqual(block.values, codes.map { Float($0) * -0.5 })
        XCTAssertEqual(block.bytes, bytes)
    }

    /// The SIMD row decoders agree exactly with the independent element-by-element reading, for random
    /// blocks of every type (any byte pattern is a valid block), at an odd address.
    func testRowDequantizationMatchesIndependentDecoding() throws {
        var random = TestRandom(seed: 11)
        for type in GGMLTensorType.allCases {
            let count = 32 * 9 + (type.isQuantized ? 0 : 7)
            var bytes = (0..<type.byteCount(elements: count)!).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if type.isQuantized {
                // Keep scales finite so every value is a number.
                for b in stride(from: 0, to: bytes.count, by: type.bytesPerBlock) {
                    bytes[b + 1] &= 0x5F
                    if type == .q4_1 || type == .q5_1 { bytes[b + 3] &= 0x5F }
                }
            } else if type == .f16 {
                for i in stride(from: 1, to: bytes.count, by: 2) { bytes[i] &= 0xBF }
            } else {
                for i in stride(from: 3, to: bytes.count, by: 4) { bytes[i] &= 0xBF }
            }
            let storage = MisalignedBytes(bytes)
            var got = [Float](repeating: 0, count: count)
            try Dequantization.dequantize(type, from: storage.base, count: count, into: &got)
            let expected = ReferenceDecoding.decode(type, bytes)
            for i in 0..<count {
                XCTAssertEqual(got[i], Float(expected[i]), "\(type) element \(i)")
            }
        }
    }

    func testBlockAccessorsMatchRowDecoding() throws {
        var random = TestRandom(seed: 5)
        let values = random.floats(32 * 4, scale: 3)
        func check<B: QuantizedBlock>(_: B.Type) throws {
            let bytes = try Quantization.quantize(values, as: B.tensorType)
            let row = try bytes.withUnsafeBytes { try Dequantization.dequantize(B.tensorType, bytes: $0, count: values.count) }
            for b in 0..<4 {
                let block = B(bytes: Array(bytes[(b * B.byteCount)..<((b + 1) * B.byteCount)]))
                XCTAssertEqual(block.values, Array(row[(32 * b)..<(32 * b + 32)]), "\(B.tensorType)")
                XCTAssertEqual(B(quantizing: Array(values[(32 * b)..<(32 * b + 32)])), block)
            }
        }
        try check(Q4_0Block.self)
        try check(Q4_1Block.self)
        try check(Q5_0Block.self)
        try check(Q5_1Block.self)
        try check(Q8_0Block.self)
    }

    /// Quantization error stays within half a step (the GGML rounding), and a block of zeros
    /// decodes to zeros.
    func testQuantizationErrorIsBoundedByHalfAStep() throws {
        var random = TestRandom(seed: 3)
        let values = random.floats(32 * 50, scale: 2)
        for type in GGMLTensorType.allCases where type.isQuantized {
            let bytes = try Quantization.quantize(values, as: type)
            let decoded = ReferenceDecoding.decode(type, bytes)
            for b in 0..<50 {
                let block = values[(32 * b)..<(32 * b + 32)]
                let lo = Double(block.min()!), hi = Double(block.max()!)
                let amax = Swift.max(-lo, hi)
                let step: Double
                switch type {
                case .q4_0: step = amax / 8
                case .q5_0: step = amax / 16
                case .q8_0: step = amax / 127
                case .q4_1: step = (hi - lo) / 15
                default: step = (hi - lo) / 31
                }
                for j in 0..<32 {
                    // Half a step (a whole one where the code is capped at the far end of a
                    // symmetric range), plus the f16 rounding of d and m.
                    let steps = type == .q4_0 || type == .q5_0 ? 1.0 : 0.5
                    let bound = step * steps + amax * 2e-3 + 1e-6
                    XCTAssertLessThanOrEqual(abs(decoded[32 * b + j] - Double(block[32 * b + j])), bound, "\(type) block \(b)")
                }
            }
            let zeros = try Quantization.quantize([Float](repeating: 0, count: 32), as: type)
            XCTAssertEqual(ReferenceDecoding.decode(type, zeros), [Double](repeating: 0, count: 32), "\(type)")
        }
    }

    func testSizesThatAreNotWholeBlocksThrow() {
        XCTAssertThrowsError(try Quantization.quantize([Float](repeating: 1, count: 33), as: .q8_0))
        var out = [Float](repeating: 0, count: 40)
        let bytes = [UInt8](repeating: 0, count: 100)
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try Dequantization.dequantize(.q4_0, from: $0.baseAddress!, count: 40, into: &out) }) { error in
            XCTAssertEqual(error as? TensorError, .notWholeBlocks(type: .q4_0, count: 40))
            XCTAssertTrue("\(error)".contains("q4_0"))
        }
    }
}
