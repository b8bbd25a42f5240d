import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Quantizing the f16 models reproduces, byte for byte, the quantized files whisper.cpp's quantizer
/// made from them.
final class QuantizerFileTests: XCTestCase {
    private func checkQuantizedFile(f16 f16Name: String, quantized name: String) throws {
        let source = try GGMLTestFile(path: try SharedData.model(f16Name))
        let target = try GGMLTestFile(path: try SharedData.model(name))
        XCTAssertEqual(source.order, target.order)
        var checked = 0
        for tensorName in target.order {
            let t = target.tensors[tensorName]!
            guard t.type.isQuantized else { continue }
            let s = try XCTUnwrap(source.tensors[tensorName])
            XCTAssertEqual(s.type, .f16, tensorName)
            XCTAssertEqual(s.dims, t.dims, tensorName)
            var floats = [Float](repeating: 0, count: s.count)
            s.data.withUnsafeBytes { HalfPrecision.convert(halfBits: $0.baseAddress!, count: s.count, into: &floats) }
            let bytes = try Quantization.quantize(floats, as: t.type)
            if bytes != [UInt8](t.data) {
                let expected = [UInt8](t.data)
                let i = bytes.indices.first { bytes[$0] != expected[$0] } ?? 0
                XCTFail("\(name) \(tensorName): first differing byte \(i) (block \(i / t.type.bytesPerBlock)): \(bytes[i]) vs \(expected[i])")
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10, "\(name) holds quantized tensors")
    }

    func testNanoQ4_0() throws { try checkQuantizedFile(f16: "nano-synthetic-f16.bin", quantized: "nano-synthetic-q4_0.bin") }
    func testNanoQ4_1() throws { try checkQuantizedFile(f16: "nano-synthetic-f16.bin", quantized: "nano-synthetic-q4_1.bin") }
    func testNanoQ5_0() throws { try checkQuantizedFile(f16: "nano-synthetic-f16.bin", quantized: "nano-synthetic-q5_0.bin") }
    func testNanoQ5_1() throws { try checkQuantizedFile(f16: "nano-synthetic-f16.bin", quantized: "nano-synthetic-q5_1.bin") }
    func testNanoQ8_0() throws { try checkQuantizedFile(f16: "nano-synthetic-f16.bin", quantized: "nano-synthetic-q8_0.bin") }
    func testTinyQ5_1() throws { try checkQuantizedFile(f16: "tiny.en-synthetic-f16.bin", quantized: "tiny.en-synthetic-q5_1.bin") }

    /// The quantized files' tensors decode to the values of the independent element-wise reading
    /// (here on whole tensors of real files).
    func testDequantizingFileTensors() throws {
        for name in ["nano-synthetic-q4_0.bin", "nano-synthetic-q5_1.bin", "nano-synthetic-q8_0.bin"] {
            let file = try GGMLTestFile(path: try SharedData.model(name))
            for tensorName in file.order.prefix(12) {
                let t = file.tensors[tensorName]!
                let got = try t.data.withUnsafeBytes { try Dequantization.dequantize(t.type, bytes: $0, count: t.count) }
                let expected = ReferenceDecoding.decode(t.type, [UInt8](t.data))
                XCTAssertEqual(got, expected.map { Float($0) }, "\(name) \(tensorName)")
            }
        }
    }
}
