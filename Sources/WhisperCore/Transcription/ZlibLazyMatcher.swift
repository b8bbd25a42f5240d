/// zlib's LZ77 parse at compression level 6 ("deflate_slow"), reproduced decision for decision: the
/// same matches, literals and block boundaries as `zlib.compress(data, 6)` with the default window
/// (32 KiB) and memory level (8). It is written against zlib 1.2.13's behaviour.
///
/// What has to match zlib exactly, since every choice changes the compressed size:
/// - **Hash chains.** Every position that has 3 bytes after it is inserted, in order, into a hash
///   table keyed by those 3 bytes (15-bit hash, 5-bit shift); each position links to the previous
///   one with the same key. A match search walks that chain, newest first.
/// - **Match search** (`longest_match`): at most 128 candidates (32 when the match being improved
///   on is already 8 or longer); only a strictly longer match replaces the best; stop at 128 bytes
///   ("nice length"), at the end of the input, or at 258; never farther back than 32 506 bytes
///   (the window minus zlib's lookahead reserve) — and never to the position zlib stores at window
///   offset 0, which its tables use as "no entry".
/// - **Lazy evaluation**: a match found at one position is emitted only if the next position does not
///   find a longer one (in which case the first byte goes out as a literal); no search at all
///   follows a match of 16 or more. Matches of exactly 3 bytes farther than 4096 back are dropped.
/// - **The window**: zlib reads input into a 64 KiB buffer; when fewer than 262 bytes are left ahead
///   and the current position has passed 65 274, it slides the buffer down by 32 KiB, forgetting
///   older hash entries. Which positions are reachable, and whether a block's bytes can still be
///   stored raw, depends on where those slides happen, so they are simulated too.
/// - **Blocks** end after 16 383 symbols, or at the end of the input.
struct ZlibLazyMatcher {
    // zlib's constants for windowBits 15, memLevel 8.
    static let windowSize = 1 << 15
    static let windowMask = windowSize - 1
    /// The input buffer holds two windows.
    static let bufferSize = 2 * windowSize
    static let minLookahead = DeflateAlphabet.maxMatch + DeflateAlphabet.minMatch + 1
    static let maxDistance = windowSize - minLookahead
    static let hashSize = 1 << 15
    static let hashMask = hashSize - 1
    static let hashShift = 5
    /// Matches of the minimum length farther back than this are not worth their distance code.
    static let tooFar = 4096

    // Level 6 of zlib's configuration table.
    static let goodLength = 8
    static let maxLazy = 16
    static let niceLength = 128
    static let maxChain = 128

    /// Runs the parse over `data` and hands each finished block to `emit` with the number of input
    /// bytes it covers, whether those bytes are still in zlib's buffer (a stored block needs them),
    /// and whether it is the last block.
    static func parse(_ data: UnsafeBufferPointer<UInt8>,
                      emit: (_ block: DeflateBlock, _ storedLength: Int, _ storable: Bool, _ isLast: Bool) -> Void) {
        // Hash heads and chain links hold buffer offsets (absolute position − `bufferStart`), as
        // zlib's do; 0 means "none". Sliding the buffer subtracts a window from all of them.
        var head = [UInt16](repeating: 0, count: hashSize)
        var previous = [UInt16](repeating: 0, count: windowSize)
        let count = data.count

        var bufferStart = 0   // absolute position of the buffer's first byte
        var bufferedEnd = 0   // absolute end of the input read into the buffer
        var position = 0      // zlib's strstart, absolute
        var blockStart = 0    // absolute
        var block = DeflateBlock()

        var matchLength = DeflateAlphabet.minMatch - 1
        var matchStart = 0    // absolute
        var matchAvailable = false

        @inline(__always) func hash(_ p: Int) -> Int {
            ((Int(data[p]) << (2 * hashShift)) ^ (Int(data[p + 1]) << hashShift) ^ Int(data[p + 2])) & hashMask
        }

        /// Inserts position `p` into its hash chain; returns the previous head (a buffer offset, 0 = none).
        @inline(__always) func insert(_ p: Int) -> Int {
            let key = hash(p)
            let older = head[key]
            let offset = p - bufferStart
            previous[offset & windowMask] = older
            head[key] = UInt16(truncatingIfNeeded: offset)
            return Int(older)
        }

        /// zlib's fill_window: slide the buffer when the position is deep in its upper half, then
        /// top it up from the input.
        func fillBuffer() {
            repeat {
                var room = bufferSize - (bufferedEnd - bufferStart)
                if position - bufferStart >= windowSize + maxDistance {
                    bufferStart += windowSize
                    room += windowSize
                    for i in 0..<hashSize {
                        let v = Int(head[i])
                        head[i] = v >= windowSize ? UInt16(v - windowSize) : 0
                    }
                    for i in 0..<windowSize {
                        let v = Int(previous[i])
                        previous[i] = v >= windowSize ? UInt16(v - windowSize) : 0
                    }
                }
                if bufferedEnd == count { break }
                bufferedEnd += min(count - bufferedEnd, room)
            } while bufferedEnd - position < minLookahead && bufferedEnd < count
        }

        /// zlib's longest_match: the longest match for `position` along the chain from `chainHead`
        /// that beats `previousLength`; returns that length (or `previousLength`), sets `matchStart`.
        func longestMatch(from chainHead: Int, previousLength: Int) -> Int {
            var chain = previousLength >= goodLength ? maxChain >> 2 : maxChain
            let lookahead = bufferedEnd - position
            let nice = min(niceLength, lookahead)
            let limit = min(DeflateAlphabet.maxMatch, lookahead)
            let offset = position - bufferStart
            let oldest = offset > maxDistance ? offset - maxDistance : 0
            var best = previousLength
            var candidate = chainHead
            repeat {
                let start = bufferStart + candidate
                // Only a longer match counts, so the byte just past the best length must agree.
                if best < limit && data[start + best] == data[position + best] {
                    var length = 0
                    while length < limit && data[start + length] == data[position + length] { length += 1 }
                    if length > best {
                        matchStart = start
                        best = length
                        if length >= nice { break }
                    }
                }
                candidate = Int(previous[candidate & windowMask])
                chain -= 1
            } while candidate > oldest && chain != 0
            return min(best, lookahead)
        }

        func finishBlock(at end: Int, isLast: Bool) {
            emit(block, end - blockStart, blockStart >= bufferStart, isLast)
            block.reset()
            blockStart = end
        }

        while true {
            if bufferedEnd - position < minLookahead {
                fillBuffer()
                if bufferedEnd == position { break }
            }
            let lookahead = bufferedEnd - position

            var chainHead = 0
            if lookahead >= DeflateAlphabet.minMatch { chainHead = insert(position) }

            let previousLength = matchLength
            let previousMatch = matchStart
            matchLength = DeflateAlphabet.minMatch - 1

            if chainHead != 0 && previousLength < maxLazy && position - bufferStart - chainHead <= maxDistance {
                matchLength = longestMatch(from: chainHead, previousLength: previousLength)
                if matchLength == DeflateAlphabet.minMatch && position - matchStart > tooFar {
                    matchLength = DeflateAlphabet.minMatch - 1
                }
            }

            if previousLength >= DeflateAlphabet.minMatch && matchLength <= previousLength {
                // The match found one position back stands: emit it, index the positions it covers.
                let lastInsertable = bufferedEnd - DeflateAlphabet.minMatch
                block.addMatch(length: previousLength, distance: position - 1 - previousMatch)
                var p = position + 1
                let matchEnd = position - 1 + previousLength
                while p < matchEnd {
                    if p <= lastInsertable { _ = insert(p) }
                    p += 1
                }
                position = matchEnd
                matchAvailable = false
                matchLength = DeflateAlphabet.minMatch - 1
                if block.isFull { finishBlock(at: position, isLast: false) }
            } else if matchAvailable {
                // The previous position found nothing better than this one: it goes out as a literal.
                block.addLiteral(data[position - 1])
                if block.isFull { finishBlock(at: position, isLast: false) }
                position += 1
            } else {
                matchAvailable = true
                position += 1
            }
        }
        if matchAvailable { block.addLiteral(data[position - 1]) }
        finishBlock(at: position, isLast: true)
    }
}
