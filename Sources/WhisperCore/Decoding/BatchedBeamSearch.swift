/// Beam search over several windows at once (batched transcription): window `w`'s beams live in
/// cache slots `w·beamSize ..< (w+1)·beamSize` and attend to its own audio. Each step extends every
/// unfinished window's search (`BeamSearch`, exactly as for one window) and feeds all their new
/// beams to the decoder in one step: rows of the same matrix products.
struct BatchedBeamSearch {
    let decoder: TextDecoder
    let cache: KeyValueCache
    /// The audio of each cache slot (a window's, repeated for its beams).
    let crossBySlot: [CrossAttentionCache]
    let executor: ParallelExecutor
    let filters: [WhisperLogitFilter]
    let specials: SpecialTokens
    let initialTokens: [Int]
    let sampleLength: Int
    let beamSize: Int
    let patience: Float
    var control: TranscriptionControl? = nil

    /// One result per window, given each window's logits after its initial tokens (`nVocab` floats
    /// per window, in order), which sit in the first slot of each window's beams.
    func decode(firstLogits: [Float]) -> [DecodingResult] {
        let nVocab = specials.vocabularySize
        let windows = firstLogits.count / nVocab
        var searches = (0..<windows).map { w in
            BeamSearch(beamSize: beamSize, patience: patience, filters: filters, specials: specials,
                       initialTokens: initialTokens, sampleLength: sampleLength, contextLength: decoder.contextLength,
                       firstLogits: Array(firstLogits[(w * nVocab)..<((w + 1) * nVocab)]))
        }
        var searching = [Bool](repeating: true, count: windows)
        var sources = Array(0..<(windows * beamSize))
        var toFeed: [(slot: Int, token: Int)] = []
        var fed: [Int] = []
        for _ in 0..<sampleLength {
            if control?.isCancelled == true { break }
            toFeed.removeAll(keepingCapacity: true)
            fed.removeAll(keepingCapacity: true)
            for slot in sources.indices { sources[slot] = slot }
            for w in 0..<windows where searching[w] {
                guard searches[w].extend(executor: executor) else {
                    searching[w] = false
                    continue
                }
                let first = w * beamSize
                for (i, parent) in searches[w].sources.enumerated() { sources[first + i] = first + parent }
                for entry in searches[w].toFeed { toFeed.append((slot: first + entry.slot, token: entry.token)) }
                fed.append(w)
            }
            if toFeed.isEmpty { break }
            // Each new beam continues its parent's cache, then takes its token.
            cache.rearrange(sources: sources)
            let rows = decoder.decodeNext(toFeed, cache: cache, crossBySlot: crossBySlot, executor: executor)
            var row = 0
            for w in fed {
                let live = searches[w].live
                searches[w].receive(UnsafeBufferPointer(rebasing: rows[(row * nVocab)..<((row + live) * nVocab)]))
                row += live
            }
        }
        var results: [DecodingResult] = []
        for w in 0..<windows { results.append(searches[w].result()) }
        return results
    }
}
