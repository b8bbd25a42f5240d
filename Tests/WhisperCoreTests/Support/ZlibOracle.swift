import Foundation
import XCTest

/// Python's zlib as the ground truth: compressed sizes (`len(zlib.compress(b))`, level 6) and the
/// Huffman code lengths zlib chooses, for many byte strings in one `python3` call. Throws `XCTSkip`
/// where python3 cannot be run.
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

    /// The code lengths in the header of the dynamic block zlib writes for each input when told to
    /// code literals only (strategy Z_HUFFMAN_ONLY, so the literal counts are the byte counts):
    /// one line per input, "-" when the block is not dynamic, else three ';'-separated lists —
    /// literal/length code lengths (HLIT of them), distance (HDIST), code-length code (19, by symbol).
    private static let headerScript = """
        import struct, sys, zlib
        ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        def header(data):
            c = zlib.compressobj(6, zlib.DEFLATED, -15, 8, zlib.Z_HUFFMAN_ONLY)
            s = c.compress(data) + c.flush()
            pos = 0
            def bits(n):
                nonlocal pos
                v = 0
                for i in range(n):
                    v |= ((s[pos >> 3] >> (pos & 7)) & 1) << i
                    pos += 1
                return v
            bits(1)
            if bits(2) != 2:
                return '-'
            hlit, hdist, hclen = bits(5) + 257, bits(5) + 1, bits(4) + 4
            bl = [0] * 19
            for i in range(hclen):
                bl[ORDER[i]] = bits(3)
            codes, code = {}, 0
            for length in range(1, 8):
                for sym in range(19):
                    if bl[sym] == length:
                        codes[(length, code)] = sym
                        code += 1
                code <<= 1
            lengths = []
            while len(lengths) < hlit + hdist:
                length, code = 0, 0
                while (length, code) not in codes:
                    code, length = (code << 1) | bits(1), length + 1
                sym = codes[(length, code)]
                if sym < 16:
                    lengths.append(sym)
                elif sym == 16:
                    lengths += [lengths[-1]] * (3 + bits(2))
                elif sym == 17:
                    lengths += [0] * (3 + bits(3))
                else:
                    lengths += [0] * (11 + bits(7))
            text = lambda xs: ' '.join(map(str, xs))
            return ';'.join([text(lengths[:hlit]), text(lengths[hlit:]), text(bl)])
        data = open(sys.argv[1], 'rb').read()
        i, out = 0, [zlib.ZLIB_RUNTIME_VERSION]
        while i < len(data):
            (n,) = struct.unpack_from('<I', data, i)
            out.append(header(data[i + 4:i + 4 + n]))
            i += 4 + n
        print('\\n'.join(out))
        """

    /// zlib's version and `len(zlib.compress(b, 6))` for each of `inputs`, in order.
    static func compressedLengths(_ inputs: [[UInt8]]) throws -> (zlibVersion: String, lengths: [Int]) {
        let (version, lines) = try run(script, inputs)
        return (version, lines.map { Int($0) ?? -1 })
    }

    /// The code lengths zlib sends for a literals-only block of each input (see `headerScript`),
    /// `nil` where zlib did not choose a dynamic block.
    static func huffmanOnlyHeaders(_ inputs: [[UInt8]]) throws
        -> (zlibVersion: String, headers: [(literalLength: [Int], distance: [Int], codeLength: [Int])?]) {
        let (version, lines) = try run(headerScript, inputs)
        return (version, lines.map { line in
            let parts = line.split(separator: ";", omittingEmptySubsequences: false)
                .map { $0.split(separator: " ").map { Int($0) ?? -1 } }
            return parts.count == 3 ? (parts[0], parts[1], parts[2]) : nil
        })
    }

    /// Runs `script` over length-prefixed `inputs`; returns its first output line (zlib's version)
    /// and one line per input.
    private static func run(_ script: String, _ inputs: [[UInt8]]) throws -> (String, [String]) {
        var file = [UInt8]()
        file.reserveCapacity(inputs.reduce(0) { $0 + 4 + $1.count })
        for input in inputs {
            withUnsafeBytes(of: UInt32(input.count).littleEndian) { file.append(contentsOf: $0) }
            file.append(contentsOf: input)
        }
        let path = TestScratch.path("zlib-oracle", suffix: ".bin")
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
        return (version, Array(lines.dropFirst()))
    }
}
