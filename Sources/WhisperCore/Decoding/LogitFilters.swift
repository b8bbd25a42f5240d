/// A rule that edits one row of logits before a token is chosen (OpenAI's `LogitFilter`).
/// `tokens` is the whole sequence so far, initial tokens included; sampling began at `sampleBegin`.
public protocol LogitFilter: Sendable {
    func apply(to logits: UnsafeMutableBufferPointer<Float>, tokens: [Int], sampleBegin: Int)
}

/// The logit filters Whisper's decoding uses, as one type: a window's filters are a plain array
/// of these (no existentials, which Embedded Swift does not have), applied in order.
public enum WhisperLogitFilter: LogitFilter {
    case suppressBlank(SuppressBlank)
    case suppressTokens(SuppressTokens)
    case timestampRules(TimestampRules)

    @inline(__always)
    public func apply(to logits: UnsafeMutableBufferPointer<Float>, tokens: [Int], sampleBegin: Int) {
        switch self {
        case .suppressBlank(let f): f.apply(to: logits, tokens: tokens, sampleBegin: sampleBegin)
        case .suppressTokens(let f): f.apply(to: logits, tokens: tokens, sampleBegin: sampleBegin)
        case .timestampRules(let f): f.apply(to: logits, tokens: tokens, sampleBegin: sampleBegin)
        }
    }
}

/// Forbids a blank start: the space token(s) and end-of-text cannot be the first sampled token.
public struct SuppressBlank: LogitFilter {
    public let blankTokens: [Int]

    public init(blankTokens: [Int]) {
        self.blankTokens = blankTokens
    }

    public func apply(to logits: UnsafeMutableBufferPointer<Float>, tokens: [Int], sampleBegin: Int) {
        guard tokens.count == sampleBegin else { return }
        for t in blankTokens where t < logits.count { logits[t] = -.infinity }
    }
}

/// Forbids a fixed set of tokens everywhere (non-speech symbols and the control tokens).
public struct SuppressTokens: LogitFilter {
    public let tokens: [Int]

    public init(_ tokens: [Int]) {
        self.tokens = tokens
    }

    public func apply(to logits: UnsafeMutableBufferPointer<Float>, tokens _: [Int], sampleBegin _: Int) {
        for t in tokens where t >= 0 && t < logits.count { logits[t] = -.infinity }
    }
}

/// Whisper's timestamp grammar:
/// - timestamps come in pairs (end, start), except one alone right before end-of-text;
/// - they never go back in time;
/// - the first sampled token is a timestamp, at most `maxInitialTimestampIndex` steps in;
/// - when the timestamps together are more probable than any single text token, a timestamp it is.
public struct TimestampRules: LogitFilter {
    public let specials: SpecialTokens
    public let maxInitialTimestampIndex: Int?

    public init(specials: SpecialTokens, maxInitialTimestampIndex: Int?) {
        self.specials = specials
        self.maxInitialTimestampIndex = maxInitialTimestampIndex
    }

    public func apply(to logits: UnsafeMutableBufferPointer<Float>, tokens: [Int], sampleBegin: Int) {
        let tb = specials.timestampBegin
        let eot = specials.endOfText
        let n = logits.count
        logits[specials.noTimestamps] = -.infinity

        let sampled = tokens[sampleBegin...]
        let lastWasTimestamp = sampled.count >= 1 && sampled.last! >= tb
        let penultimateWasTimestamp = sampled.count < 2 || sampled[sampled.endIndex - 2] >= tb
        if lastWasTimestamp {
            if penultimateWasTimestamp {
                // A pair just closed: the next token is text (or end-of-text).
                for i in tb..<n { logits[i] = -.infinity }
            } else {
                // An opening timestamp: the next is its partner or end-of-text.
                for i in 0..<eot { logits[i] = -.infinity }
            }
        }

        if let lastTimestamp = sampled.last(where: { $0 >= tb }) {
            // Time never goes back; a closing timestamp may repeat the opening one, nothing else may.
            let limit = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1
            for i in tb..<min(limit, n) { logits[i] = -.infinity }
        }

        if tokens.count == sampleBegin {
            for i in 0..<tb { logits[i] = -.infinity }
            if let maxIndex = maxInitialTimestampIndex {
                for i in min(tb + maxIndex + 1, n)..<n { logits[i] = -.infinity }
            }
        }

        // If the timestamps' total probability beats every text token's, force a timestamp.
        let timestampMass = logSumExp(UnsafeBufferPointer(rebasing: logits[tb..<n]))
        let maxText = maximum(UnsafeBufferPointer(rebasing: logits[0..<tb]))
        if timestampMass > maxText {
            for i in 0..<tb { logits[i] = -.infinity }
        }
    }
}

/// The largest entry, NaN entries skipped; −∞ for an empty input. Vectorized (`pointwiseMax` and
/// `max()` on vectors stay lane-by-lane loops in the optimizer's hands: 5× slower here).
func maximum(_ x: UnsafeBufferPointer<Float>) -> Float {
    guard let base = x.baseAddress else { return -.infinity }
    let n = x.count
    var i = 0
    var maxVector = SIMD16<Float>(repeating: -.infinity)
    while i + 16 <= n {
        // Operand order: a NaN entry loses the comparison and is skipped.
        maxVector = SIMDConversion.maximum(UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<Float>.self), maxVector)
        i += 16
    }
    var m = -Float.infinity
    for lane in 0..<16 where maxVector[lane] > m { m = maxVector[lane] }
    while i < n { if base[i] > m { m = base[i] }; i += 1 }
    return m
}

/// log Σ exp(x), computed stably (max subtracted first); −∞ for an empty or all −∞ input.
/// Vectorized: it runs over the whole vocabulary at every decoding step.
func logSumExp(_ x: UnsafeBufferPointer<Float>) -> Float {
    guard let base = x.baseAddress else { return -.infinity }
    let n = x.count
    let m = maximum(x)
    guard m > -.infinity else { return -.infinity }
    let shift = SIMD16<Float>(repeating: m)
    var sums = SIMD16<Float>(repeating: 0)
    var i = 0
    while i + 16 <= n {
        sums += SIMDMath.exp(UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<Float>.self) - shift)
        i += 16
    }
    var sum = Double(sums.sum())
    while i < n { sum += ScalarMath.exp(Double(base[i] - m)); i += 1 }
    return m + Float(ScalarMath.log(sum))
}

/// Natural log of the softmax probability of every entry, in place.
func logSoftmaxInPlace(_ x: UnsafeMutableBufferPointer<Float>) {
    let normalizer = logSumExp(UnsafeBufferPointer(x))
    for i in x.indices { x[i] -= normalizer }
}
