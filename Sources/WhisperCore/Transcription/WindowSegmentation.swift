/// A decoded window's tokens cut into segments, as OpenAI's `transcribe()` cuts them: at each pair
/// of consecutive timestamp tokens (one segment's end, the next one's start); without such a pair,
/// the whole window is one segment. Also where the seek loop goes next.
struct WindowSegmentation {
    /// A segment's tokens (a range of the window's) and its times, in seconds from the window's start.
    struct Piece {
        var range: Range<Int>
        var start: Double
        var end: Double
    }

    var pieces: [Piece] = []
    /// The tokens end with a single timestamp: the window's speech was transcribed to its end.
    var singleTimestampEnding = false
    /// Tokens after the last complete segment (cut short by the window): the seek loop decodes
    /// them again from the next window on; empty when there are none.
    var unfinished: Range<Int>
    /// Mel frames the seek loop moves on by.
    var advance: Int

    /// `size`: the window's mel frames; `timePrecision`: seconds per timestamp step (0.02);
    /// `inputStride`: mel frames per timestamp step (2).
    init(tokens: [Int], specials: SpecialTokens, size: Int, timePrecision: Double, inputStride: Int) {
        let isTimestamp = tokens.map(specials.isTimestamp)
        singleTimestampEnding = isTimestamp.count >= 2 && !isTimestamp[isTimestamp.count - 2] && isTimestamp[isTimestamp.count - 1]
        let consecutive = tokens.indices.dropLast().filter { isTimestamp[$0] && isTimestamp[$0 + 1] }.map { $0 + 1 }
        let tb = specials.timestampBegin
        unfinished = tokens.count..<tokens.count
        if !consecutive.isEmpty {
            var slices = consecutive
            if singleTimestampEnding { slices.append(tokens.count) }
            var lastSlice = 0
            for end in slices {
                pieces.append(Piece(range: lastSlice..<end, start: Double(tokens[lastSlice] - tb) * timePrecision,
                                    end: Double(tokens[end - 1] - tb) * timePrecision))
                lastSlice = end
            }
            if singleTimestampEnding {
                advance = size
            } else {
                // Resume from the last timestamp: the text after it was cut short.
                advance = (tokens[lastSlice - 1] - tb) * inputStride
                unfinished = lastSlice..<tokens.count
            }
        } else {
            var duration = Double(size * WhisperAudio.hopLength) / Double(WhisperAudio.sampleRate)
            if let lastStamp = tokens.last(where: specials.isTimestamp), lastStamp != tb {
                duration = Double(lastStamp - tb) * timePrecision
            }
            pieces.append(Piece(range: tokens.indices, start: 0, end: duration))
            advance = size
        }
    }
}
