import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

final class HalfPrecisionTests: XCTestCase {
    func testEveryBitPatternConvertsExactly() {
        for bits in 0...0xFFFF {
            let h = UInt16(bits)
            let expected = ReferenceDecoding.half(UInt8(bits & 0xFF), UInt8(bits >> 8))
            let got = HalfPrecision.float(fromBits: h)
            let portable = HalfPrecision.portableFloat(fromBits: h)
            if expected.isNaN {
                XCTAssertTrue(got.isNaN && portable.isNaN, "bits \(bits)")
            } else {
                XCTAssertEqual(Double(got), expected, "bits \(bits)")
                XCTAssertEqual(got.bitPattern, portable.bitPattern, "bits \(bits)")   // also the sign of zero
            }
        }
    }

    func testSIMDConversionMatchesScalar() {
        for base in stride(from: 0, to: 0x10000, by: 16) {
            let bits = SIMD16<UInt16>((0..<16).map { UInt16(base + $0) })
            let fast = HalfPrecision.floats(fromBits: bits)
            let portable = HalfPrecision.portableFloats(fromBits: bits)
            for i in 0..<16 {
                // The two bit-level conversions agree on every pattern, NaN payloads included.
                XCTAssertEqual(portable[i].bitPattern, HalfPrecision.portableFloat(fromBits: bits[i]).bitPattern, "bits \(bits[i])")
                let scalar = HalfPrecision.float(fromBits: bits[i])
                if scalar.isNaN {
                    XCTAssertTrue(fast[i].isNaN && portable[i].isNaN)
                } else {
                    XCTAssertEqual(fast[i].bitPattern, scalar.bitPattern, "bits \(bits[i])")
                    XCTAssertEqual(portable[i].bitPattern, scalar.bitPattern, "bits \(bits[i])")
                }
            }
        }
    }

    /// Every value between two neighbouring halves rounds to the nearer one; exact midpoints to the
    /// one with an even bit pattern.
    func testRoundingToNearestEven() {
        for bits in 0..<0x7BFF {                                       // positive finite, all but the largest
            let a = ReferenceDecoding.half(UInt8(bits & 0xFF), UInt8(bits >> 8))
            let b = ReferenceDecoding.half(UInt8((bits + 1) & 0xFF), UInt8((bits + 1) >> 8))
            let mid = Float((a + b) / 2)                               // exact in Float
            XCTAssertEqual(Double(mid), (a + b) / 2)
            let even = UInt16(bits % 2 == 0 ? bits : bits + 1)
            XCTAssertEqual(HalfPrecision.bits(from: mid), even, "midpoint above \(bits)")
            XCTAssertEqual(HalfPrecision.bits(from: mid.nextDown), UInt16(bits), "below midpoint above \(bits)")
            XCTAssertEqual(HalfPrecision.bits(from: mid.nextUp), UInt16(bits + 1), "above midpoint above \(bits)")
            XCTAssertEqual(HalfPrecision.bits(from: Float(a)), UInt16(bits))
            XCTAssertEqual(HalfPrecision.bits(from: -Float(a)), UInt16(bits) | 0x8000)
        }
    }

    func testSpecialValues() {
        XCTAssertEqual(HalfPrecision.bits(from: 65504), 0x7BFF)
        XCTAssertEqual(HalfPrecision.bits(from: Float(65520).nextDown), 0x7BFF)
        XCTAssertEqual(HalfPrecision.bits(from: 65520), 0x7C00)
        XCTAssertEqual(HalfPrecision.bits(from: 1e10), 0x7C00)
        XCTAssertEqual(HalfPrecision.bits(from: -.infinity), 0xFC00)
        XCTAssertEqual(HalfPrecision.bits(from: .nan), 0x7E00)
        XCTAssertEqual(HalfPrecision.bits(from: -Float.nan), 0xFE00)
        XCTAssertEqual(HalfPrecision.bits(from: Float(bitPattern: 0x7F80_0001)), 0x7E00)  // signalling NaN too
        XCTAssertEqual(HalfPrecision.bits(from: 0x1p-25), 0)              // tie between 0 and 2⁻²⁴ → even (0)
        XCTAssertEqual(HalfPrecision.bits(from: Float(0x1p-25).nextUp), 1)
        XCTAssertEqual(HalfPrecision.bits(from: 1e-30), 0)
        XCTAssertEqual(HalfPrecision.bits(from: -0.0), 0x8000)
        XCTAssertEqual(HalfPrecision.bits(from: Float(bitPattern: 1)), 0)  // f32 subnormal
    }

    func testSIMDAndBufferConversions() {
        var random = TestRandom(seed: 7)
        let values = random.floats(1000, scale: 300) + [0, -0.0, 65504, 1e-6, -3e-8, 70000]
        var halves = [UInt8](repeating: 0, count: 2 * values.count + 1)
        halves.withUnsafeMutableBytes { raw in
            HalfPrecision.convert(values, count: values.count, intoHalfBits: raw.baseAddress! + 1)   // odd address
        }
        for (i, v) in values.enumerated() {
            let stored = UInt16(halves[1 + 2 * i]) | UInt16(halves[2 + 2 * i]) << 8
            XCTAssertEqual(stored, HalfPrecision.bits(from: v), "value \(v)")
        }
        var back = [Float](repeating: 0, count: values.count)
        halves.withUnsafeBytes { raw in
            HalfPrecision.convert(halfBits: raw.baseAddress! + 1, count: values.count, into: &back)
        }
        for (i, v) in values.enumerated() {
            XCTAssertEqual(back[i], HalfPrecision.float(fromBits: HalfPrecision.bits(from: v)))
        }
    }
}
