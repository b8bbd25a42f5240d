import Foundation
@testable import WhisperCore
@testable import WhisperPlatform

/// Where the structures of a valid whisper.cpp GGML model file lie, found by walking it
/// independently of the loader (so the fuzzer knows which bytes mean what).
struct GGMLFileLayout {
    /// A 32-bit field the mutator may set to an interesting value, with a name for reports.
    struct Field {
        var offset: Int
        var name: String
    }

    struct TensorRecord {
        /// The whole record: header, name and data.
        var range: Range<Int>
        var nDimsOffset: Int
        var nameLengthOffset: Int
        var typeOffset: Int
        var dimOffsets: [Int]
        var nameRange: Range<Int>
        var dataRange: Range<Int>
    }

    var fields: [Field] = []
    var tensors: [TensorRecord] = []
    /// Each vocabulary entry: its length field and bytes.
    var tokens: [Range<Int>] = []
    var melData: Range<Int> = 0..<0
    /// Offsets where one structure ends and the next begins.
    var boundaries: [Int] = []
    var size = 0

    init(_ bytes: [UInt8]) {
        size = bytes.count
        let names = ["magic", "n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
                     "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype"]
        for (i, name) in names.enumerated() { fields.append(Field(offset: 4 * i, name: name)) }
        var p = 48
        boundaries.append(p)
        fields.append(Field(offset: p, name: "mel rows"))
        fields.append(Field(offset: p + 4, name: "mel bins"))
        let melCount = Int(bytes.int32(at: p)) * Int(bytes.int32(at: p + 4))
        p += 8
        boundaries.append(p)
        melData = p..<(p + 4 * melCount)
        p += 4 * melCount
        boundaries.append(p)
        fields.append(Field(offset: p, name: "vocabulary size"))
        let nTokens = Int(bytes.int32(at: p))
        p += 4
        for id in 0..<nTokens {
            let length = Int(bytes.int32(at: p))
            if id < 64 || id % 997 == 0 { fields.append(Field(offset: p, name: "length of token \(id)")) }
            tokens.append(p..<(p + 4 + length))
            p += 4 + length
        }
        boundaries.append(p)
        walkTensors(from: p, in: bytes)
    }

    /// The layout of a Silero VAD file in whisper.cpp's VAD GGML format: magic, model type (length
    /// and bytes), version, window and context sizes, the encoder layers (count, then in, out and
    /// kernel of each), LSTM and final-convolution sizes, then tensors as in a Whisper model.
    init(vadModel bytes: [UInt8]) {
        size = bytes.count
        fields = [Field(offset: 0, name: "magic"), Field(offset: 4, name: "model type length")]
        var p = 8 + Int(bytes.int32(at: 4))
        boundaries = [4, 8, p]
        var names = ["version major", "version minor", "version patch", "window size", "context size", "encoder layers"]
        for (i, name) in names.enumerated() { fields.append(Field(offset: p + 4 * i, name: name)) }
        let layers = max(0, min(16, Int(bytes.int32(at: p + 20))))
        p += 24
        names = (0..<layers).flatMap { ["layer \($0) inputs", "layer \($0) outputs", "layer \($0) kernel"] }
            + ["LSTM input", "LSTM hidden", "final conv input", "final conv output"]
        for (i, name) in names.enumerated() { fields.append(Field(offset: p + 4 * i, name: name)) }
        p += 4 * names.count
        boundaries.append(p)
        walkTensors(from: p, in: bytes)
    }

    private mutating func walkTensors(from start: Int, in bytes: [UInt8]) {
        var p = start
        while p + 12 <= bytes.count {
            let start = p
            let nDims = Int(bytes.int32(at: p)), nameLength = Int(bytes.int32(at: p + 4))
            let type = GGMLTensorType(rawValue: bytes.int32(at: p + 8)) ?? .f32
            let dimOffsets = (0..<nDims).map { p + 12 + 4 * $0 }
            let elements = dimOffsets.reduce(1) { $0 * Int(bytes.int32(at: $1)) }
            let nameStart = p + 12 + 4 * nDims
            let dataStart = nameStart + nameLength
            let dataEnd = dataStart + (type.byteCount(elements: elements) ?? 0)
            let name = String(decoding: bytes[nameStart..<min(dataStart, bytes.count)], as: UTF8.self)
            let i = tensors.count
            fields.append(Field(offset: start, name: "n_dims of tensor \(i) \(name)"))
            fields.append(Field(offset: start + 4, name: "name length of tensor \(i) \(name)"))
            fields.append(Field(offset: start + 8, name: "type of tensor \(i) \(name)"))
            for (d, offset) in dimOffsets.enumerated() { fields.append(Field(offset: offset, name: "dim \(d) of tensor \(i) \(name)")) }
            tensors.append(TensorRecord(range: start..<dataEnd, nDimsOffset: start, nameLengthOffset: start + 4,
                                        typeOffset: start + 8, dimOffsets: dimOffsets,
                                        nameRange: nameStart..<dataStart, dataRange: dataStart..<dataEnd))
            boundaries += [start + 12, nameStart, dataStart]
            p = dataEnd
            boundaries.append(p)
        }
    }
}

/// Structure-aware mutations of a valid GGML model file: header and tensor-header integers set to
/// interesting values, bit flips, vocabulary damage, duplicated, swapped, dropped or renamed tensor
/// records, inserted garbage, and truncation at and around structure boundaries.
struct GGMLMutator {
    let base: [UInt8]
    let layout: GGMLFileLayout

    init(base: [UInt8], layout: GGMLFileLayout? = nil) {
        self.base = base
        self.layout = layout ?? GGMLFileLayout(base)
    }

    /// One mutated file and a description of what was done to it.
    func mutate(using rng: inout SeededGenerator) -> (bytes: [UInt8], mutation: String) {
        var bytes = base
        var steps: [String] = []
        // In-place edits first (they keep every offset), then at most one reshaping edit, then a cut.
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
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

    private func editInPlace(_ bytes: inout [UInt8], using rng: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<12, using: &rng) {
        case 10:
            // Same bytes, other shape: two dimensions swapped (shape checks, quantized row lengths).
            guard let t = layout.tensors.filter({ $0.dimOffsets.count >= 2 }).randomElement(using: &rng) else { return "no-op" }
            let a = bytes.int32(at: t.dimOffsets[0]), b = bytes.int32(at: t.dimOffsets[1])
            bytes.setInt32(b, at: t.dimOffsets[0])
            bytes.setInt32(a, at: t.dimOffsets[1])
            return "dims of the tensor at \(t.range.lowerBound) swapped (\(a), \(b))"
        case 11:
            // Same bytes, other type: f32 [n, ...] read as f16 [2n, ...] or back.
            guard let t = layout.tensors.randomElement(using: &rng), let d0Offset = t.dimOffsets.first else { return "no-op" }
            let type = bytes.int32(at: t.typeOffset), d0 = bytes.int32(at: d0Offset)
            if type == 0 {
                bytes.setInt32(1, at: t.typeOffset)
                bytes.setInt32(d0 &* 2, at: d0Offset)
            } else if type == 1, d0 % 2 == 0 {
                bytes.setInt32(0, at: t.typeOffset)
                bytes.setInt32(d0 / 2, at: d0Offset)
            } else {
                bytes.setInt32([2, 3, 6, 7, 8].randomElement(using: &rng)!, at: t.typeOffset)
            }
            return "type of the tensor at \(t.range.lowerBound) changed, size kept where possible"
        case 0...3:
            let field = layout.fields.randomElement(using: &rng)!
            let old = bytes.int32(at: field.offset)
            let new = InterestingValues.int32(near: old, using: &rng)
            bytes.setInt32(new, at: field.offset)
            return "\(field.name) \(old) → \(new)"
        case 4:
            let n = Int.random(in: 1...8, using: &rng)
            let end = layout.tensors.first?.range.lowerBound ?? bytes.count
            bytes.flipBits(n, in: 0..<min(end, bytes.count), using: &rng)
            return "\(n) bit flips before the tensors"
        case 5:
            let n = Int.random(in: 1...16, using: &rng)
            bytes.flipBits(n, using: &rng)
            return "\(n) bit flips anywhere"
        case 6:
            // A tensor header's bytes: flips confined to the 12-byte header, the dims and the name.
            guard let t = layout.tensors.randomElement(using: &rng) else { return "no-op" }
            bytes.flipBits(Int.random(in: 1...4, using: &rng), in: t.range.lowerBound..<t.dataRange.lowerBound, using: &rng)
            return "bit flips in the header of the tensor at \(t.range.lowerBound)"
        case 7:
            // Rename a tensor to another's name of the same length, or garble it.
            guard let t = layout.tensors.randomElement(using: &rng) else { return "no-op" }
            if let other = layout.tensors.filter({ $0.nameRange.count == t.nameRange.count && $0.range != t.range }).randomElement(using: &rng) {
                bytes.replaceSubrange(t.nameRange, with: base[other.nameRange])
                return "tensor at \(t.range.lowerBound) renamed like the one at \(other.range.lowerBound)"
            }
            for i in t.nameRange where rng.chance(0.3) { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
            return "tensor name at \(t.nameRange.lowerBound) garbled"
        case 8:
            // Special float values in the weights (NaN, infinities, huge) — the loader copies vectors.
            guard let t = layout.tensors.randomElement(using: &rng), t.dataRange.count >= 4 else { return "no-op" }
            let patterns: [UInt32] = [0x7FC0_0000, 0x7F80_0000, 0xFF80_0000, 0x7F7F_FFFF, 0x7E00_7E00, 0x7C00_FC00]
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let at = Int.random(in: t.dataRange.lowerBound...(t.dataRange.upperBound - 4), using: &rng)
                bytes.setInt32(Int32(bitPattern: patterns.randomElement(using: &rng)!), at: at)
            }
            return "special float values in the data of the tensor at \(t.range.lowerBound)"
        default:
            // A vocabulary entry's length.
            guard let token = layout.tokens.randomElement(using: &rng) else { return "no-op" }
            let old = bytes.int32(at: token.lowerBound)
            let new = InterestingValues.int32(near: old, using: &rng)
            bytes.setInt32(new, at: token.lowerBound)
            return "token length at \(token.lowerBound) \(old) → \(new)"
        }
    }

    private func reshape(_ bytes: inout [UInt8], using rng: inout SeededGenerator) -> String? {
        let tensors = layout.tensors
        guard tensors.count >= 2 else { return nil }
        switch Int.random(in: 0..<7, using: &rng) {
        case 0:
            let t = tensors.randomElement(using: &rng)!
            let at = tensors.randomElement(using: &rng)!.range.upperBound
            bytes.insert(contentsOf: base[t.range], at: at)
            return "tensor record at \(t.range.lowerBound) duplicated at \(at)"
        case 1:
            var i = Int.random(in: 0..<tensors.count, using: &rng), j = Int.random(in: 0..<tensors.count, using: &rng)
            if i == j { j = (i + 1) % tensors.count }
            if i > j { swap(&i, &j) }
            let a = tensors[i].range, b = tensors[j].range
            bytes.replaceSubrange(b, with: base[a])
            bytes.replaceSubrange(a, with: base[b])
            return "tensor records \(i) and \(j) swapped"
        case 2:
            let t = tensors.randomElement(using: &rng)!
            bytes.removeSubrange(t.range)
            return "tensor record at \(t.range.lowerBound) dropped"
        case 3:
            let at = layout.boundaries.randomElement(using: &rng)!
            let count = Int.random(in: 1...16, using: &rng)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: min(at, bytes.count))
            return "\(count) garbage bytes inserted at \(at)"
        case 4:
            guard let token = layout.tokens.randomElement(using: &rng) else { return nil }
            if rng.chance(0.5) {
                bytes.removeSubrange(token)
                return "vocabulary entry at \(token.lowerBound) dropped"
            }
            bytes.insert(contentsOf: base[token], at: token.upperBound)
            return "vocabulary entry at \(token.lowerBound) duplicated"
        case 5:
            // A tensor header claiming a huge tensor, at the end of the file.
            var record: [UInt8] = []
            let dims = Int.random(in: 1...4, using: &rng)
            for v in [Int32(dims), 8, Int32([0, 1, 2, 3, 6, 7, 8].randomElement(using: &rng)!)] {
                record += withUnsafeBytes(of: v.littleEndian, Array.init)
            }
            for _ in 0..<dims {
                record += withUnsafeBytes(of: InterestingValues.int32.randomElement(using: &rng)!.littleEndian, Array.init)
            }
            record += Array("huge.bin".utf8)
            bytes += record
            return "a \(dims)-dimensional tensor header with interesting sizes appended"
        default:
            let t = tensors.randomElement(using: &rng)!
            let cut = Int.random(in: t.dataRange, using: &rng)
            bytes.removeSubrange(cut..<t.range.upperBound)
            return "the data of the tensor at \(t.range.lowerBound) cut short at \(cut) (the next record follows)"
        }
    }

    private func truncate(_ bytes: inout [UInt8], using rng: inout SeededGenerator) -> String {
        let cut: Int
        if rng.chance(0.7) {
            cut = layout.boundaries.randomElement(using: &rng)! + Int.random(in: -8...8, using: &rng)
        } else {
            cut = Int.random(in: 0...bytes.count, using: &rng)
        }
        let length = min(max(cut, 0), bytes.count)
        bytes.removeSubrange(length...)
        return "truncated to \(length) bytes"
    }
}
