import Foundation
@testable import WhisperCore
@testable import WhisperPlatform

/// Valid WAV files of many layouts for the fuzzer to start from.
enum WAVSeeds {
    static func le16(_ v: Int) -> [UInt8] { WAVBuilder.le16(v) }
    static func le32(_ v: Int) -> [UInt8] { WAVBuilder.le32(v) }

    /// A RIFF file from chunks given as (id, body, size field override); odd bodies are padded
    /// unless `pad` is false.
    static func riff(_ chunks: [(String, [UInt8], UInt32?)], magic: String = "RIFF", pad: Bool = true) -> [UInt8] {
        var body = Array("WAVE".utf8)
        for (id, bytes, size) in chunks {
            body += Array(id.utf8) + le32(Int(size ?? UInt32(bytes.count))) + bytes
            if pad && bytes.count % 2 == 1 { body.append(0) }
        }
        return Array(magic.utf8) + le32(body.count) + body
    }

    static func fmt(code: Int, channels: Int, rate: Int, bits: Int, blockAlign: Int? = nil, extra: [UInt8] = []) -> [UInt8] {
        let align = blockAlign ?? channels * ((bits + 7) / 8)
        return le16(code) + le16(channels) + le32(rate) + le32(rate * align) + le16(align) + le16(bits) + extra
    }

    /// `frames` frames of a two-tone signal, encoded as `encode` does one sample in [-1, 1].
    static func signal(frames: Int, channels: Int, _ encode: (Double) -> [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for f in 0..<frames {
            for c in 0..<channels {
                let x = 0.6 * sin(Double(f) * 0.07 + Double(c)) + 0.3 * sin(Double(f) * 0.31)
                out += encode(x)
            }
        }
        return out
    }

    static let u8: (Double) -> [UInt8] = { [UInt8(clamping: Int(($0 * 127).rounded()) + 128)] }
    static let s16: (Double) -> [UInt8] = { le16(Int(UInt16(bitPattern: Int16(($0 * 32767).rounded())))) }
    static let s24: (Double) -> [UInt8] = { Array(le32(Int(UInt32(bitPattern: Int32(($0 * 8_388_607).rounded())))).prefix(3)) }
    static let s32: (Double) -> [UInt8] = { le32(Int(UInt32(bitPattern: Int32(($0 * 2_147_483_647).rounded())))) }
    static let s24in32: (Double) -> [UInt8] = { le32(Int(UInt32(bitPattern: Int32(($0 * 8_388_607).rounded()) << 8))) }
    static let f32: (Double) -> [UInt8] = { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) }
    static let f64: (Double) -> [UInt8] = { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }

    static func extensible(validBits: Int, channelMask: Int, subFormat: Int) -> [UInt8] {
        le16(22) + le16(validBits) + le32(channelMask) + le16(subFormat)
            + [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    }

    static let all: [[UInt8]] = {
        var seeds: [[UInt8]] = []
        let list: (String, [UInt8], UInt32?) = ("LIST", Array("INFOISFT\u{5}\u{0}\u{0}\u{0}fuzz\u{0}".utf8), nil)
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 1, rate: 16_000, bits: 16), nil),
                           ("data", signal(frames: 800, channels: 1, s16), nil)]))
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 2, rate: 44_100, bits: 16), nil), list,
                           ("data", signal(frames: 600, channels: 2, s16), nil)]))
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 1, rate: 8_000, bits: 8), nil),
                           ("data", signal(frames: 501, channels: 1, u8), nil)]))   // odd data size
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 1, rate: 22_050, bits: 24), nil),
                           ("data", signal(frames: 400, channels: 1, s24), nil)]))
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 2, rate: 48_000, bits: 32), nil),
                           ("data", signal(frames: 300, channels: 2, s32), nil)]))
        seeds.append(riff([("fmt ", fmt(code: 3, channels: 1, rate: 16_000, bits: 32, extra: le16(0)), nil),
                           ("fact", le32(400), nil), ("data", signal(frames: 400, channels: 1, f32), nil)]))
        seeds.append(riff([("fmt ", fmt(code: 3, channels: 2, rate: 32_000, bits: 64), nil),
                           ("data", signal(frames: 200, channels: 2, f64), nil)]))
        seeds.append(riff([("fmt ", fmt(code: 0xFFFE, channels: 2, rate: 96_000, bits: 32,
                                         extra: extensible(validBits: 24, channelMask: 3, subFormat: 1)), nil),
                           ("data", signal(frames: 300, channels: 2, s24in32), nil)]))
        seeds.append(riff([("fmt ", fmt(code: 0xFFFE, channels: 1, rate: 16_000, bits: 32,
                                         extra: extensible(validBits: 32, channelMask: 4, subFormat: 3)), nil),
                           ("data", signal(frames: 300, channels: 1, f32), nil)]))
        // An odd-sized chunk whose pad byte the writer left out.
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 1, rate: 16_000, bits: 16), nil),
                           ("junk", [1, 2, 3], nil), ("data", signal(frames: 300, channels: 1, s16), nil)], pad: false))
        // Streaming writers: data size 0xFFFFFFFF or 0 (read to the end).
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 1, rate: 16_000, bits: 16), nil),
                           ("data", signal(frames: 300, channels: 1, s16), 0xFFFF_FFFF)]))
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 1, rate: 11_025, bits: 16), nil),
                           ("data", signal(frames: 300, channels: 1, s16), 0)]))
        // RF64 with its ds64 sizes.
        let rf64Data = signal(frames: 300, channels: 1, s16)
        let ds64 = le32(0) + le32(0) + le32(rf64Data.count) + le32(0) + le32(300) + le32(0) + le32(0)
        seeds.append(riff([("ds64", ds64, nil), ("fmt ", fmt(code: 1, channels: 1, rate: 16_000, bits: 16), nil),
                           ("data", rf64Data, 0xFFFF_FFFF)], magic: "RF64"))
        // Many channels, an extreme low and an extreme high rate.
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 6, rate: 48_000, bits: 16), nil),
                           ("data", signal(frames: 120, channels: 6, s16), nil)]))
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 1, rate: 1_000, bits: 8), nil),
                           ("data", signal(frames: 100, channels: 1, u8), nil)]))
        seeds.append(riff([("fmt ", fmt(code: 3, channels: 1, rate: 768_000, bits: 32), nil),
                           ("data", signal(frames: 1_000, channels: 1, f32), nil)]))
        // A header-only file and a one-sample file.
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 1, rate: 16_000, bits: 16), nil), ("data", [], nil)]))
        seeds.append(riff([("fmt ", fmt(code: 1, channels: 1, rate: 16_000, bits: 16), nil), ("data", s16(0.5), nil)]))
        return seeds
    }()
}

/// Where the chunks and `fmt ` fields of a valid WAV file lie.
struct WAVFileLayout {
    struct Chunk {
        var id: String
        /// Header and body (and pad byte, when present).
        var range: Range<Int>
        var sizeOffset: Int
        var body: Range<Int>
    }

    var chunks: [Chunk] = []
    /// Offsets where one structure ends and the next begins.
    var boundaries: [Int] = [0, 4, 8, 12]
    /// `fmt ` fields: (name, offset, width in bytes).
    var fmtFields: [(name: String, offset: Int, width: Int)] = []
    var guid: Range<Int>?
    var data: Range<Int>?

    init(_ bytes: [UInt8]) {
        var p = 12
        while p + 8 <= bytes.count {
            let id = String(decoding: bytes[p..<(p + 4)], as: UTF8.self)
            let size = Int(UInt32(bitPattern: bytes.int32(at: p + 4)))
            let bodyEnd = min(bytes.count, p + 8 + size)
            // Pad byte present only when the next bytes do not already start a chunk id.
            var end = bodyEnd
            if size % 2 == 1, bodyEnd < bytes.count, !(bodyEnd + 4 <= bytes.count
                && bytes[bodyEnd..<(bodyEnd + 4)].allSatisfy({ $0 >= 0x20 && $0 <= 0x7E })) {
                end += 1
            }
            let body = (p + 8)..<bodyEnd
            chunks.append(Chunk(id: id, range: p..<end, sizeOffset: p + 4, body: body))
            boundaries += [p + 4, p + 8, end]
            if id == "fmt " {
                let b = p + 8
                fmtFields = [("format tag", b, 2), ("channels", b + 2, 2), ("sample rate", b + 4, 4),
                             ("byte rate", b + 8, 4), ("block align", b + 12, 2), ("bits per sample", b + 14, 2)]
                if size >= 18 { fmtFields.append(("cbSize", b + 16, 2)) }
                if size >= 40 {
                    fmtFields += [("valid bits", b + 18, 2), ("channel mask", b + 20, 4)]
                    guid = (b + 24)..<(b + 40)
                }
            }
            if id == "data" { data = body }
            if size == 0xFFFF_FFFF { break }
            p = end
        }
    }
}

/// Structure-aware mutations of a valid WAV file: chunk ids and sizes (0, odd, huge, 0xFFFFFFFF,
/// negative as Int32), `fmt ` fields (channels, rate, bits, block align, format tag, extensible
/// GUID), special float samples, swapped, duplicated or dropped chunks, inserted garbage and
/// truncation at and around chunk boundaries.
struct WAVMutator {
    let base: [UInt8]
    let layout: WAVFileLayout

    init(base: [UInt8]) {
        self.base = base
        layout = WAVFileLayout(base)
    }

    static let sizeValues: [UInt32] = [0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 18, 39, 40, 41, 255, 256, 0x7FFF, 0xFFFF,
                                       0x10000, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFF0, 0xFFFF_FFFE, 0xFFFF_FFFF]
    static let chunkIDs = ["data", "fmt ", "ds64", "LIST", "fact", "JUNK", "RIFF", "WAVE", "DATA", "fmt\u{0}", "\u{0}\u{0}\u{0}\u{0}", "smpl"]

    func mutate(using rng: inout SeededGenerator) -> (bytes: [UInt8], mutation: String) {
        var bytes = base
        var steps: [String] = []
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            steps.append(editInPlace(&bytes, using: &rng))
        }
        if steps.isEmpty || rng.chance(0.3) {
            if let step = reshape(&bytes, using: &rng) { steps.append(step) }
        }
        if rng.chance(0.2) || steps.isEmpty {
            steps.append(truncate(&bytes, using: &rng))
        }
        return (bytes, steps.joined(separator: "; "))
    }

    private func size(near current: UInt32, fileSize: Int, using rng: inout SeededGenerator) -> UInt32 {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return current &+ 1
        case 1: return current &- 1
        case 2: return UInt32(truncatingIfNeeded: fileSize)
        case 3: return UInt32(truncatingIfNeeded: rng.next())
        case 4: return current &* 2
        default: return Self.sizeValues.randomElement(using: &rng)!
        }
    }

    private func editInPlace(_ bytes: inout [UInt8], using rng: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<12, using: &rng) {
        case 0...2:
            // A chunk's size field (or the RIFF size).
            let offsets = [4] + layout.chunks.map(\.sizeOffset)
            let at = offsets.randomElement(using: &rng)!
            let old = UInt32(bitPattern: bytes.int32(at: at))
            let new = size(near: old, fileSize: bytes.count, using: &rng)
            bytes.setInt32(Int32(bitPattern: new), at: at)
            return "size at \(at) \(old) → \(new)"
        case 3...5:
            guard let field = layout.fmtFields.randomElement(using: &rng) else { return "no-op" }
            if field.width == 2 {
                let old = bytes.uint16(at: field.offset)
                let new = InterestingValues.uint16(near: old, using: &rng)
                bytes.setUInt16(new, at: field.offset)
                return "fmt \(field.name) \(old) → \(new)"
            }
            let old = bytes.int32(at: field.offset)
            let new = rng.chance(0.5)
                ? Int32(bitPattern: [0, 1, 999, 1000, 1001, 8000, 16_000, 44_100, 767_999, 768_000, 768_001, 0x7FFF_FFFF,
                                     0x8000_0000, 0xFFFF_FFFF].randomElement(using: &rng)!)
                : InterestingValues.int32(near: old, using: &rng)
            bytes.setInt32(new, at: field.offset)
            return "fmt \(field.name) \(old) → \(new)"
        case 6:
            guard let chunk = layout.chunks.randomElement(using: &rng) else { return "no-op" }
            let id = Self.chunkIDs.randomElement(using: &rng)!
            bytes.replaceSubrange(chunk.range.lowerBound..<(chunk.range.lowerBound + 4), with: Array(id.utf8))
            return "chunk '\(chunk.id)' renamed '\(id)'"
        case 7:
            let magic = ["RIFF", "RF64", "RIFX", "BW64", "riff"].randomElement(using: &rng)!
            let form = ["WAVE", "WAVE", "AVI ", "wave"].randomElement(using: &rng)!
            bytes.replaceSubrange(0..<4, with: Array(magic.utf8))
            bytes.replaceSubrange(8..<12, with: Array(form.utf8))
            return "magic '\(magic)' form '\(form)'"
        case 8:
            guard let guid = layout.guid else { return "no-op" }
            if rng.chance(0.5) {
                bytes.setUInt16(InterestingValues.uint16.randomElement(using: &rng)!, at: guid.lowerBound)
                return "extensible sub-format code changed"
            }
            bytes.flipBits(Int.random(in: 1...3, using: &rng), in: guid, using: &rng)
            return "extensible GUID bits flipped"
        case 9:
            // Special sample values: NaN, infinities, the largest floats and doubles.
            guard let data = layout.data, data.count >= 8 else { return "no-op" }
            let patterns: [[UInt8]] = [[0x00, 0x00, 0xC0, 0x7F], [0x00, 0x00, 0x80, 0x7F], [0x00, 0x00, 0x80, 0xFF],
                                       [0xFF, 0xFF, 0x7F, 0x7F], [0xFF, 0xFF, 0x7F, 0xFF],
                                       [0x9C, 0x75, 0x00, 0x88, 0x3C, 0xE4, 0x37, 0x7E], // 1e300
                                       [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xEF, 0x7F], // Double.greatestFiniteMagnitude
                                       [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x7F]] // NaN
            var fills = 0
            if rng.chance(0.3) {
                // Every sample of a run of frames, so the channel mix sees them together.
                let p = patterns.randomElement(using: &rng)!
                var at = data.lowerBound
                while at + p.count <= data.upperBound, fills < 64 {
                    bytes.replaceSubrange(at..<(at + p.count), with: p)
                    at += p.count
                    fills += 1
                }
            } else {
                for _ in 0..<Int.random(in: 1...16, using: &rng) {
                    let p = patterns.randomElement(using: &rng)!
                    let at = Int.random(in: data.lowerBound...(data.upperBound - p.count), using: &rng)
                    bytes.replaceSubrange(at..<(at + p.count), with: p)
                    fills += 1
                }
            }
            return "\(fills) special sample values in the data"
        case 10:
            let end = min(bytes.count, (layout.data?.lowerBound ?? bytes.count) + 8)
            let n = Int.random(in: 1...8, using: &rng)
            bytes.flipBits(n, in: 0..<end, using: &rng)
            return "\(n) bit flips in the header"
        default:
            let n = Int.random(in: 1...16, using: &rng)
            bytes.flipBits(n, using: &rng)
            return "\(n) bit flips anywhere"
        }
    }

    private func reshape(_ bytes: inout [UInt8], using rng: inout SeededGenerator) -> String? {
        let chunks = layout.chunks
        guard !chunks.isEmpty else { return nil }
        switch Int.random(in: 0..<8, using: &rng) {
        case 0:
            guard chunks.count >= 2 else { return nil }
            var i = Int.random(in: 0..<chunks.count, using: &rng), j = Int.random(in: 0..<chunks.count, using: &rng)
            if i == j { j = (i + 1) % chunks.count }
            if i > j { swap(&i, &j) }
            bytes.replaceSubrange(chunks[j].range, with: base[chunks[i].range])
            bytes.replaceSubrange(chunks[i].range, with: base[chunks[j].range])
            return "chunks '\(chunks[i].id)' and '\(chunks[j].id)' swapped"
        case 1:
            let c = chunks.randomElement(using: &rng)!
            let at = chunks.randomElement(using: &rng)!.range.lowerBound
            bytes.insert(contentsOf: base[c.range], at: at)
            return "chunk '\(c.id)' duplicated at \(at)"
        case 2:
            let c = chunks.randomElement(using: &rng)!
            bytes.removeSubrange(c.range)
            return "chunk '\(c.id)' dropped"
        case 3:
            let at = min(bytes.count, layout.boundaries.randomElement(using: &rng)!)
            let n = Int.random(in: 1...9, using: &rng)
            bytes.insert(contentsOf: (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            return "\(n) garbage bytes inserted at \(at)"
        case 4:
            // An extra chunk with an interesting size, before the first chunk or after the data.
            let id = Self.chunkIDs.randomElement(using: &rng)!
            let sizeField = Self.sizeValues.randomElement(using: &rng)!
            let body = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let chunk = Array(id.utf8) + WAVSeeds.le32(Int(sizeField)) + body
            let at = rng.chance(0.5) ? 12 : bytes.count
            bytes.insert(contentsOf: chunk, at: at)
            return "chunk '\(id)' of size field \(sizeField) and \(body.count) bytes inserted at \(at)"
        case 5:
            // Turn into RF64: a ds64 chunk with interesting 64-bit sizes, data size 0xFFFFFFFF.
            var ds64: [UInt8] = []
            for _ in 0..<3 {
                let v: UInt64 = [0, 1, 2, 0xFFFF_FFFF, 0x1_0000_0000, UInt64(Int.max), UInt64.max, UInt64(1) << 62,
                                 rng.next()].randomElement(using: &rng)!
                ds64 += withUnsafeBytes(of: v.littleEndian, Array.init)
            }
            ds64 += WAVSeeds.le32(0)
            if let data = chunks.first(where: { $0.id == "data" }) {
                bytes.setInt32(-1, at: data.sizeOffset)
            }
            bytes.replaceSubrange(0..<4, with: Array("RF64".utf8))
            bytes.insert(contentsOf: Array("ds64".utf8) + WAVSeeds.le32(ds64.count) + ds64, at: 12)
            return "made RF64 with ds64 sizes \(ds64.prefix(24))"
        case 6:
            // Data moved in front of the format.
            guard let data = chunks.first(where: { $0.id == "data" }) else { return nil }
            bytes.removeSubrange(data.range)
            bytes.insert(contentsOf: base[data.range], at: 12)
            return "data chunk moved to the front"
        default:
            let n = Int.random(in: 1...64, using: &rng)
            bytes += (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            return "\(n) garbage bytes appended"
        }
    }

    private func truncate(_ bytes: inout [UInt8], using rng: inout SeededGenerator) -> String {
        let cut = rng.chance(0.7)
            ? layout.boundaries.randomElement(using: &rng)! + Int.random(in: -3...3, using: &rng)
            : Int.random(in: 0...bytes.count, using: &rng)
        let length = min(max(cut, 0), bytes.count)
        bytes.removeSubrange(length...)
        return "truncated to \(length) bytes"
    }
}
