import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Deterministic pseudo-random numbers (SplitMix64), so failures reproduce.
struct TestRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }

    mutating func floats(_ count: Int, scale: Float = 1) -> [Float] { (0..<count).map { _ in float() * scale } }
}

/// Bytes at a deliberately odd address (as tensors in a mapped GGML file are), kept alive as the
/// owner of a `WeightMatrix`.
final class MisalignedBytes {
    let raw: UnsafeMutableRawPointer
    let base: UnsafeMutableRawPointer
    let count: Int

    init(_ bytes: [UInt8], offset: Int = 3) {
        count = bytes.count
        raw = UnsafeMutableRawPointer.allocate(byteCount: bytes.count + offset + 64, alignment: 64)
        base = raw + offset
        bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }

    deinit { raw.deallocate() }
}

/// Independent reading of GGML storage, element by element in Double, straight from the byte
/// layout described in the formats' documentation (no code shared with the kernels).
enum ReferenceDecoding {
    static func half(_ lo: UInt8, _ hi: UInt8) -> Double {
        let bits = Int(lo) | Int(hi) << 8
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = (bits >> 10) & 0x1F
        let fraction = Double(bits & 0x3FF)
        if exponent == 0 { return sign * fraction * pow(2, -24) }
        if exponent == 31 { return fraction == 0 ? sign * .infinity : .nan }
        return sign * (1 + fraction / 1024) * pow(2, Double(exponent - 15))
    }

    static func decode(_ type: GGMLTensorType, _ b: [UInt8]) -> [Double] {
        switch type {
        case .f32:
            return stride(from: 0, to: b.count, by: 4).map { i in
                Double(Float(bitPattern: UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24))
            }
        case .f16:
            return stride(from: 0, to: b.count, by: 2).map { half(b[$0], b[$0 + 1]) }
        default:
            var out: [Double] = []
            let size = type.bytesPerBlock
            for start in stride(from: 0, to: b.count, by: size) {
                let blk = Array(b[start..<start + size])
                let d = half(blk[0], blk[1])
                let hasMin = type == .q4_1 || type == .q5_1
                let m = hasMin ? half(blk[2], blk[3]) : 0
                var at = hasMin ? 4 : 2
                if type == .q8_0 {
                    for j in 0..<32 { out.append(Double(Int8(bitPattern: blk[2 + j])) * d) }
                    continue
                }
                var high = [Int](repeating: 0, count: 32)
                if type == .q5_0 || type == .q5_1 {
                    for j in 0..<32 { high[j] = Int(blk[at + j / 8] >> (j % 8)) & 1 }
                    at += 4
                }
                for j in 0..<32 {
                    let byte = Int(blk[at + j % 16])
                    let q = (j < 16 ? byte & 15 : byte >> 4) + 16 * high[j]
                    switch type {
                    case .q4_0: out.append(Double(q - 8) * d)
                    case .q5_0: out.append(Double(q - 16) * d)
                    default: out.append(Double(q) * d + m)
                    }
                }
            }
            return out
        }
    }
}

/// A random weight matrix of `type`, its bytes at an odd address, and its exact values.
struct TestWeights {
    let storage: MisalignedBytes
    let matrix: WeightMatrix
    let values: [Double]

    init(type: GGMLTensorType, rows: Int, columns: Int, random: inout TestRandom, scale: Float = 1) throws {
        let floats = random.floats(rows * columns, scale: scale)
        let bytes = try Quantization.quantize(floats, as: type)
        storage = MisalignedBytes(bytes)
        matrix = WeightMatrix(type: type, rows: rows, columns: columns, base: UnsafeRawPointer(storage.base), owner: storage)
        values = ReferenceDecoding.decode(type, bytes)
    }
}

/// `x · Wᵀ + bias` in Double; also the sums of |x·w| that bound Float rounding errors.
func referenceMatmul(x: [Float], n: Int, w: [Double], m: Int, k: Int, bias: [Float]?, rows: [Int])
    -> (values: [Double], magnitudes: [Double]) {
    var values = [Double](repeating: 0, count: rows.count * m)
    var magnitudes = [Double](repeating: 0, count: rows.count * m)
    for (ri, i) in rows.enumerated() {
        for j in 0..<m {
            var s = bias.map { Double($0[j]) } ?? 0
            var a = abs(s)
            for p in 0..<k {
                let t = Double(x[i * k + p]) * w[j * k + p]
                s += t
                a += abs(t)
            }
            values[ri * m + j] = s
            magnitudes[ri * m + j] = a
        }
    }
    return (values, magnitudes)
}

/// Bitwise equality of float arrays (NaN-safe), with the first difference in the message.
func XCTAssertBitwiseEqual(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, message, file: file, line: line)
    if let i = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) {
        XCTFail("\(message): first difference at \(i): \(a[i]) vs \(b[i])", file: file, line: line)
    }
}
