/// Which heads word timing follows.
public enum AlignmentHeadSelection: Sendable, Equatable {
    /// The published heads of the model's size (all heads of the last half for an unknown shape).
    case published
    /// All heads of the last half of the decoder's layers: OpenAI's default, what openai-whisper
    /// uses for a model loaded from a checkpoint file rather than by name.
    case lastHalf
    case heads(AlignmentHeads)

    func resolve(_ h: ModelHyperparameters) -> AlignmentHeads {
        switch self {
        case .published: return AlignmentHeads.forModel(h)
        case .lastHalf: return AlignmentHeads.lastHalf(h)
        case .heads(let heads): return heads
        }
    }
}

/// The decoder's cross-attention heads whose weights follow the audio: (layer, head) pairs,
/// found by OpenAI for each published model and listed with its models (and by whisper.cpp) —
/// published facts, carried here as data. For a model not listed, OpenAI's default: every head of
/// the last half of the decoder's layers.
public struct AlignmentHeads: Equatable, Sendable {
    public let pairs: [(layer: Int, head: Int)]

    public static func == (a: AlignmentHeads, b: AlignmentHeads) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.layer == $1.layer && $0.head == $1.head }
    }

    init(_ pairs: [(Int, Int)]) { self.pairs = pairs.map { (layer: $0.0, head: $0.1) } }

    /// The layers that hold at least one alignment head.
    var layers: [Int] { Array(Set(pairs.map({ $0.layer }))).sorted() }

    /// Published heads by (text layers, text heads, state, English-only, vocabulary size).
    static let published: [(layers: Int, heads: Int, state: Int, english: Bool, vocab: Int?, AlignmentHeads)] = [
        (4, 6, 384, true, nil, AlignmentHeads([(1, 0), (2, 0), (2, 5), (3, 0), (3, 1), (3, 2), (3, 3), (3, 4)])),
        (4, 6, 384, false, nil, AlignmentHeads([(2, 2), (3, 0), (3, 2), (3, 3), (3, 4), (3, 5)])),
        (6, 8, 512, true, nil, AlignmentHeads([(3, 3), (4, 7), (5, 1), (5, 5), (5, 7)])),
        (6, 8, 512, false, nil, AlignmentHeads([(3, 1), (4, 2), (4, 3), (4, 7), (5, 1), (5, 2), (5, 4), (5, 6)])),
        (12, 12, 768, true, nil, AlignmentHeads([(6, 6), (7, 0), (7, 3), (7, 8), (8, 2), (8, 5), (8, 7), (9, 0), (9, 4),
                                                 (9, 8), (9, 10), (10, 0), (10, 1), (10, 2), (10, 3), (10, 6), (10, 11), (11, 2), (11, 4)])),
        (12, 12, 768, false, nil, AlignmentHeads([(5, 3), (5, 9), (8, 0), (8, 4), (8, 7), (8, 8), (9, 0), (9, 7), (9, 9), (10, 5)])),
        (24, 16, 1024, true, nil, AlignmentHeads([(11, 4), (14, 1), (14, 12), (14, 14), (15, 4), (16, 0), (16, 4), (16, 9), (17, 12),
                                                  (17, 14), (18, 7), (18, 10), (18, 15), (20, 0), (20, 3), (20, 9), (20, 14), (21, 12)])),
        (24, 16, 1024, false, nil, AlignmentHeads([(13, 15), (15, 4), (15, 15), (16, 1), (20, 0), (23, 4)])),
        // large-v1 and large-v2 share a shape; v2's heads are the ones most files carry (see below).
        (32, 20, 1280, false, 51865, AlignmentHeads([(10, 12), (13, 17), (16, 11), (16, 12), (16, 13), (17, 15), (17, 16), (18, 4), (18, 11),
                                                     (18, 19), (19, 11), (21, 2), (21, 3), (22, 3), (22, 9), (22, 12), (23, 5), (23, 7),
                                                     (23, 13), (25, 5), (26, 1), (26, 12), (27, 15)])),
        (32, 20, 1280, false, 51866, AlignmentHeads([(7, 0), (10, 17), (12, 18), (13, 12), (16, 1), (17, 14), (19, 11), (21, 4), (24, 1), (25, 6)])),
        (4, 20, 1280, false, 51866, AlignmentHeads([(2, 4), (2, 11), (3, 3), (3, 6), (3, 11), (3, 14)])),
    ]

    /// large-v1's heads (same shape as large-v2: chosen with `large-v1`).
    public static let largeV1 = AlignmentHeads([(9, 19), (11, 2), (11, 4), (11, 17), (22, 7), (22, 11), (22, 17), (23, 2), (23, 15)])

    /// OpenAI's default: every head of the last half of the decoder's layers — what openai-whisper
    /// uses for a model loaded from a checkpoint file rather than by name.
    public static func lastHalf(_ h: ModelHyperparameters) -> AlignmentHeads {
        var pairs: [(Int, Int)] = []
        for layer in (h.nTextLayer / 2)..<h.nTextLayer {
            for head in 0..<h.nTextHead { pairs.append((layer, head)) }
        }
        return AlignmentHeads(pairs)
    }

    /// Explicit heads, e.g. from `--alignment-heads 3:0,3:2` (nil when a pair is malformed).
    public init?(list: String) {
        var pairs: [(Int, Int)] = []
        for item in list.split(separator: ",") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let layer = Int(parts[0]), let head = Int(parts[1]), layer >= 0, head >= 0 else { return nil }
            pairs.append((layer, head))
        }
        guard !pairs.isEmpty else { return nil }
        self.init(pairs)
    }

    /// The published heads of a model by its name (tiny.en, base, large-v3-turbo, ...).
    public static func named(_ name: String) -> AlignmentHeads? {
        let shapes: [String: (Int, Int, Int, Bool, Int?)] = [
            "tiny.en": (4, 6, 384, true, nil), "tiny": (4, 6, 384, false, nil), "base.en": (6, 8, 512, true, nil),
            "base": (6, 8, 512, false, nil), "small.en": (12, 12, 768, true, nil), "small": (12, 12, 768, false, nil),
            "medium.en": (24, 16, 1024, true, nil), "medium": (24, 16, 1024, false, nil), "large-v2": (32, 20, 1280, false, 51865),
            "large-v3": (32, 20, 1280, false, 51866), "large-v3-turbo": (4, 20, 1280, false, 51866),
        ]
        if name == "large-v1" { return largeV1 }
        guard let s = shapes[name] else { return nil }
        return published.first { $0.layers == s.0 && $0.heads == s.1 && $0.state == s.2 && $0.english == s.3 && $0.vocab == s.4 }?.5
    }

    /// The heads for a model of this shape.
    public static func forModel(_ h: ModelHyperparameters) -> AlignmentHeads {
        let english = !h.isMultilingual
        if let match = published.first(where: {
            $0.layers == h.nTextLayer && $0.heads == h.nTextHead && $0.state == h.nTextState && $0.english == english
                && ($0.vocab == nil || $0.vocab == h.nVocab)
        }) {
            return match.5
        }
        return lastHalf(h)
    }
}
