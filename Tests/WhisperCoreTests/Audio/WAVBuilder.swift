import Foundation

/// Builds WAV files byte by byte for tests, including deliberately broken ones.
struct WAVBuilder {
    var formatCode: UInt16 = 1
    var channels: Int = 1
    var sampleRate: Int = 16000
    var bitsPerSample: Int = 16
    /// nil: channels × container bytes.
    var blockAlign: Int?
    /// Bytes after the 16 standard fmt bytes (cbSize and extension).
    var fmtExtra: [UInt8] = []
    /// Override of the whole fmt body (for too-short chunks).
    var fmtBody: [UInt8]?
    /// Chunks placed between fmt and data, as (id, body); odd bodies get a pad byte unless `omitPad`.
    var extraChunks: [(String, [UInt8])] = []
    var omitPad = false
    var data: [UInt8] = []
    /// Written instead of the true data size.
    var dataSizeField: UInt32?
    var includeFormat = true
    var includeData = true
    var dataBeforeFormat = false

    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16((v >> 16) & 0xFFFF) }

    /// The WAVE_FORMAT_EXTENSIBLE extension naming sub-format `code` (PCM 1, float 3).
    static func extensible(validBits: Int, subFormat code: UInt16, channelMask: Int = 0) -> [UInt8] {
        le16(22) + le16(validBits) + le32(channelMask) + le16(Int(code))
            + [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    }

    func chunk(_ id: String, _ body: [UInt8], sizeField: UInt32? = nil) -> [UInt8] {
        var out = Array(id.utf8) + WAVBuilder.le32(Int(sizeField ?? UInt32(body.count))) + body
        if body.count % 2 == 1 && !omitPad { out.append(0) }
        return out
    }

    func bytes() -> [UInt8] {
        let container = (bitsPerSample + 7) / 8
        let align = blockAlign ?? channels * container
        let fmt = fmtBody ?? (WAVBuilder.le16(Int(formatCode)) + WAVBuilder.le16(channels) + WAVBuilder.le32(sampleRate)
            + WAVBuilder.le32(sampleRate * align) + WAVBuilder.le16(align) + WAVBuilder.le16(bitsPerSample) + fmtExtra)
        var body: [UInt8] = Array("WAVE".utf8)
        let fmtChunk = includeFormat ? chunk("fmt ", fmt) : []
        var extras: [UInt8] = []
        for (id, b) in extraChunks { extras += chunk(id, b) }
        // The data chunk is last, so a pad byte after it does not matter.
        var dataChunk = includeData ? Array("data".utf8) + WAVBuilder.le32(Int(dataSizeField ?? UInt32(data.count))) + data : []
        if !includeData { dataChunk = [] }
        body += dataBeforeFormat ? dataChunk + fmtChunk + extras : fmtChunk + extras + dataChunk
        return Array("RIFF".utf8) + WAVBuilder.le32(body.count) + body
    }

    func write(name: String = "test.wav") throws -> String {
        try TemporaryFiles.write(bytes(), name: name)
    }

    /// Little-endian 16-bit samples.
    static func s16(_ values: [Int16]) -> [UInt8] { values.flatMap { le16(Int(UInt16(bitPattern: $0))) } }
}
