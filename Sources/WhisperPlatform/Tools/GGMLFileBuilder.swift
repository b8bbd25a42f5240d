import WhisperCore

/// The bytes of a whisper.cpp GGML file, appended in the order the file holds them: the header and
/// `ftype`, the mel filterbank, the vocabulary, then per tensor its header (rank, name length,
/// type, dimensions innermost first, name) and its data. One place for the layout
/// `GGMLModelFile` reads, shared by the quantizer and the converter; `flush` hands the bytes so far
/// to a `FileSink`, so a model is never held whole.
struct GGMLFileBuilder {
    private(set) var bytes: [UInt8] = []

    mutating func int32(_ v: Int) {
        withUnsafeBytes(of: Int32(truncatingIfNeeded: v).littleEndian) { bytes += $0 }
    }

    /// Magic, the ten hyperparameters and `rawFileType`, the filterbank and the vocabulary.
    mutating func header(_ h: ModelHyperparameters, filters: MelFilterbank, vocabulary: [[UInt8]]) {
        int32(Int(GGMLModelFile.magic))
        for v in [h.nVocab, h.nAudioCtx, h.nAudioState, h.nAudioHead, h.nAudioLayer, h.nTextCtx, h.nTextState,
                  h.nTextHead, h.nTextLayer, h.nMels, h.rawFileType] { int32(v) }
        int32(filters.nMels)
        int32(filters.nFFTBins)
        floats(filters.weights)
        int32(vocabulary.count)
        for token in vocabulary {
            int32(token.count)
            bytes += token
        }
    }

    /// A tensor's header; `dims` innermost first, as GGML lists them.
    mutating func tensorHeader(name: String, type: GGMLTensorType, dims: [Int]) {
        int32(dims.count)
        int32(name.utf8.count)
        int32(Int(type.rawValue))
        dims.forEach { int32($0) }
        bytes += Array(name.utf8)
    }

    mutating func floats(_ values: [Float]) {
        for x in values { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
    }

    mutating func halfBits(_ values: [UInt16]) {
        for h in values { withUnsafeBytes(of: h.littleEndian) { bytes += $0 } }
    }

    mutating func raw(_ data: UnsafeRawBufferPointer) { bytes += data }

    /// `values` quantized to `type` with GGML's reference quantizer (rows of whole blocks).
    mutating func quantized(_ values: UnsafeBufferPointer<Float>, as type: GGMLTensorType) throws {
        let start = bytes.count
        bytes += [UInt8](repeating: 0, count: type.byteCount(elements: values.count) ?? 0)
        try bytes.withUnsafeMutableBytes { b in
            try Quantization.quantize(values.baseAddress!, count: values.count, as: type, into: b.baseAddress! + start)
        }
    }

    /// Writes the bytes so far to `sink` and starts again from empty.
    mutating func flush(into sink: inout FileSink) throws(FileWriteError) {
        try sink.write(bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}
