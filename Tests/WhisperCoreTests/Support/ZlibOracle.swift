import Foundation
import XCTest

/// Python's zlib as the ground truth for compressed sizes: `len(zlib.compress(b))` (level 6) for many
/// byte strings in one `python3` call. Throws `XCTSkip` where python3 cannot be run.
enum ZlibOracle {
    /// The Python side: reads length-prefixed records (u32 little-endian + bytes) from the file named
    /// by argv[1]; prints zlib's runtime version, then one compressed length per record.
    private static let script = """
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        i, out = 0, [zlib.ZLIB_RUNTIME_VERSION]
        while i < len(data):
            (n,) = struct.unpack_from('<I', data, i)
            out.append(str(len(zlib.compress(data[i + 4:i + 4 + n], 6))))
            i += 4 + n
        print('\\n'.join(out))
        """

    /// zlib's version and `len(zlib.compress(b, 6))` for each of `inputs`, in order.
    static func compressedLengths(_ inputs: [[UInt8]]) throws -> (zlibVersion: String, lengths: [Int]) {
        var file = [UInt8]()
        file.reserveCapacity(inputs.reduce(0) { $0 + 4 + $1.count })
        for input in inputs {
            withUnsafeBytes(of: UInt32(input.count).littleEndian) { file.append(contentsOf: $0) }
            file.append(contentsOf: input)
        }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("zlib-oracle-\(getpid())-\(UUID().uuidString).bin")
        try Data(file).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw XCTSkip("python3 cannot be run (\(error)); skipping the zlib comparison")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw XCTSkip("python3 is not installed; skipping the zlib comparison")
        }
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "ZlibOracle", code: Int(process.terminationStatus), userInfo: [
                NSLocalizedDescriptionKey: "python3 zlib oracle failed: \(String(decoding: stderr, as: UTF8.self))"])
        }
        let lines = String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        guard let version = lines.first, lines.count == inputs.count + 1 else {
            throw NSError(domain: "ZlibOracle", code: 1, userInfo: [
                NSLocalizedDescriptionKey: "python3 zlib oracle returned \(lines.count) lines for \(inputs.count) inputs"])
        }
        return (version, lines.dropFirst().map { Int($0) ?? -1 })
    }
}
