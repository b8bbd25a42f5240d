/// The transcript's tokens so far, as far as a prompt can still use them: OpenAI's `all_tokens`
/// list with `prompt_reset_since`, in memory that does not grow with the recording's length.
///
/// A window's prompt is the text since the last reset, of which the decoder keeps only the newest
/// `nTextCtx / 2 − 1` tokens (`WindowDecoder.initialTokens`). So only the newest `capacity` tokens
/// are ever needed: older ones are dropped (in batches, so appending stays cheap), and `prompt`
/// returns what the unbounded list would give, cut to its newest `capacity` tokens.
struct PromptHistory: Equatable {
    /// The most tokens a prompt can use; at least `nTextCtx / 2` to keep transcriptions unchanged.
    let capacity: Int
    /// The newest tokens (between `capacity` and `2 · capacity` of them once that many have come).
    private(set) var recent: [Int] = []
    /// Tokens appended in all, dropped ones included.
    private(set) var totalCount = 0
    /// Where the prompt starts, counted in all tokens appended.
    private var resetIndex = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The tokens appended since the last `reset`, at most the newest `capacity` of them.
    var prompt: [Int] {
        let sinceReset = totalCount - resetIndex
        return Array(recent.suffix(min(capacity, sinceReset)))
    }

    mutating func append<Tokens: Collection>(_ tokens: Tokens) where Tokens.Element == Int {
        recent += tokens
        totalCount += tokens.count
        if recent.count > 2 * capacity { recent.removeFirst(recent.count - capacity) }
    }

    /// Starts the prompt afresh after the tokens appended so far (they no longer condition the next window).
    mutating func reset() {
        resetIndex = totalCount
    }
}
