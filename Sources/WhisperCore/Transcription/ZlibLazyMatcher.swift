/// zlib's LZ77 parse at compression level 6 ("deflate_slow"), reproduced decision for decision: the
/// same matches, literals and block boundaries as `zlib.compress(data, 6)` with the default window
/// (32 KiB) and memory level (8). It is written against zlib 1.2.13's behaviour.
///
/// What has to match zlib exactly, since every choice changes the compressed size:
/// - **Hash chains.** Every position with at least 3 bytes from it to the end is inserted, in order,
///   into a hash table keyed by those 3 bytes (15-bit hash, shift 5: zlib's rolling hash, which
///   always equals this 3-byte function because the insertions are consecutive); each position
///   links to the previous one with the same key. A match search walks that chain, newest first.
/// - **Match search** (`longest_match`): at most 128 candidates (32 when the match being improved
///   on is already 8 or longer); only a strictly longer match replaces the best; stop at 128 bytes
///   ("nice length"), at the end of the input, or at 258; never farther back than 32 506 bytes
///   (the window minus zlib's lookahead reserve) — and never to the position zlib stores at window
///   offset 0, which its tables use as "no entry".
/// - **Lazy evaluation**: a match found at one position is emitted only if the next position does not
///   find a longer one (in which case the first byte goes out as a literal); no search at all
///   follows a match of 16 or more. Matches of exactly 3 bytes farther than 4096 back are dropped.
/// - **The window**: zlib reads input into a 64 KiB buffer; when fewer than 262 bytes are left ahead
///   and the current position is at buffer offset 65 274 or beyond, it slides the buffer down by
///   32 KiB, forgetting older hash entries. Which positions are reachable, and whether a block's
///   bytes can still be stored raw, depends on where those slides happen, so they are simulated
///   too — any input length works (tested up to 1 MiB), in memory independent of it (128 KiB of
///   tables).
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

    /// The input.
    private let data: UnsafeBufferPointer<UInt8>
    private let count: Int
    /// Hash heads and chain links hold buffer offsets (absolute position − `bufferStart`), as zlib's
    /// do; 0 means "none". Sliding the buffer subtracts a window from all of them.
    private let head: UnsafeMutableBufferPointer<UInt16>
    /// Chain links, indexed by buffer offset modulo the window (only as many as the input needs).
    private let previous: UnsafeMutableBufferPointer<UInt16>

    private var bufferStart = 0   // absolute position of the buffer's first byte
    private var bufferedEnd = 0   // absolute end of the input read into the buffer
    private var position = 0      // zlib's strstart, absolute
    private var blockStart = 0    // absolute
    private var block = DeflateBlock()
    private var matchLength = DeflateAlphabet.minMatch - 1
    private var matchStart = 0    // absolute
    private var matchAvailable = false

    /// Runs the parse over `data` and hands each finished block to `emit` with the number of input
    /// bytes it covers, whether those bytes are still in zlib's buffer (a stored block needs them),
    /// and whether it is the last block.
    static func parse(_ data: UnsafeBufferPointer<UInt8>,
                      emit: (_ block: DeflateBlock, _ storedLength: Int, _ storable: Bool, _ isLast: Bool) -> Void) {
        let head = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: hashSize)
        head.initialize(repeating: 0)
        // Below one window of input, buffer offsets never wrap: one link per byte is enough.
        let previous = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: max(1, min(data.count, windowSize)))
        previous.initialize(repeating: 0)
        defer {
            head.deallocate()
            previous.deallocate()
        }
        var matcher = ZlibLazyMatcher(data: data, head: head, previous: previous)
        matcher.run(emit: emit)
    }

    private init(data: UnsafeBufferPointer<UInt8>,
                 head: UnsafeMutableBufferPointer<UInt16>, previous: UnsafeMutableBufferPointer<UInt16>) {
        self.data = data
        self.count = data.count
        self.head = head
        self.previous = previous
    }

    @inline(__always)
    private func hash(_ p: Int) -> Int {
        ((Int(data[p]) << (2 * Self.hashShift)) ^ (Int(data[p + 1]) << Self.hashShift) ^ Int(data[p + 2])) & Self.hashMask
    }

    /// Inserts position `p` into its hash chain; returns the previous head (a buffer offset, 0 = none).
    @inline(__always)
    private func insert(_ p: Int) -> Int {
        let key = hash(p)
        let older = head[key]
        let offset = p - bufferStart
        previous[offset & Self.windowMask] = older
        head[key] = UInt16(truncatingIfNeeded: offset)
        return Int(older)
    }

    /// zlib's fill_window: slide the buffer when the position is deep in its upper half, then top
    /// it up from the input.
    private mutating func fillBuffer() {
        repeat {
            var room = Self.bufferSize - (bufferedEnd - bufferStart)
            if position - bufferStart >= Self.windowSize + Self.maxDistance {
                bufferStart += Self.windowSize
                room += Self.windowSize
                for table in [head, previous] {
                    // Entries that fall out of the buffer (or onto offset 0) become "none".
                    for i in table.indices {
                        let v = table[i]
                        table[i] = v >= UInt16(Self.windowSize) ? v - UInt16(Self.windowSize) : 0
                    }
                }
            }
            if bufferedEnd == count { break }
            bufferedEnd += min(count - bufferedEnd, room)
        } while bufferedEnd - position < Self.minLookahead && bufferedEnd < count
    }

    /// How many bytes at `a` and `b` agree, up to `limit` (`a` < `b`, `b + limit` ≤ `count`).
    @inline(__always)
    private func commonPrefix(_ a: Int, _ b: Int, limit: Int) -> Int {
        var length = 0
        let raw = UnsafeRawBufferPointer(data)
        while length + 8 <= limit {
            let x = raw.loadUnaligned(fromByteOffset: a + length, as: UInt64.self)
            let y = raw.loadUnaligned(fromByteOffset: b + length, as: UInt64.self)
            let difference = UInt64(littleEndian: x ^ y)
            if difference != 0 { return length + difference.trailingZeroBitCount >> 3 }
            length += 8
        }
        while length < limit && data[a + length] == data[b + length] { length += 1 }
        return length
    }

    /// zlib's longest_match: the longest match for `position` along the chain from `chainHead` that
    /// beats `previousLength`; returns that length (or `previousLength`) and sets `matchStart`.
    private mutating func longestMatch(from chainHead: Int, previousLength: Int) -> Int {
        var chain = previousLength >= Self.goodLength ? Self.maxChain >> 2 : Self.maxChain
        let lookahead = bufferedEnd - position
        let nice = min(Self.niceLength, lookahead)
        let limit = min(DeflateAlphabet.maxMatch, lookahead)
        let offset = position - bufferStart
        let oldest = offset > Self.maxDistance ? offset - Self.maxDistance : 0
        var best = previousLength
        var candidate = chainHead
        // zlib compares up to 258 bytes even near the end of the input and then cuts the length to
        // what is left; since it also stops at `nice` ≤ what is left, bounding the comparison at the
        // end of the input yields the same lengths and the same `matchStart`.
        repeat {
            let start = bufferStart + candidate
            // Only a longer match counts, so the byte just past the best length must agree.
            if best < limit && data[start + best] == data[position + best] {
                let length = commonPrefix(start, position, limit: limit)
                if length > best {
                    matchStart = start
                    best = length
                    if length >= nice { break }
                }
            }
            candidate = Int(previous[candidate & Self.windowMask])
            chain -= 1
        } while candidate > oldest && chain != 0
        return min(best, lookahead)
    }

    private mutating func finishBlock(at end: Int, isLast: Bool,
                                      emit: (DeflateBlock, Int, Bool, Bool) -> Void) {
        emit(block, end - blockStart, blockStart >= bufferStart, isLast)
        block.reset()
        blockStart = end
    }

    /// zlib's deflate_slow, from the first byte to the final block.
    private mutating func run(emit: (DeflateBlock, Int, Bool, Bool) -> Void) {
        while true {
            if bufferedEnd - position < Self.minLookahead {
                fillBuffer()
                if bufferedEnd == position { break }
            }
            let lookahead = bufferedEnd - position

            var chainHead = 0
            if lookahead >= DeflateAlphabet.minMatch { chainHead = insert(position) }

            let previousLength = matchLength
            let previousMatch = matchStart
            matchLength = DeflateAlphabet.minMatch - 1

            if chainHead != 0 && previousLength < Self.maxLazy
                && position - bufferStart - chainHead <= Self.maxDistance {
                matchLength = longestMatch(from: chainHead, previousLength: previousLength)
                // (When no candidate beat a previous length of 3, `matchStart` is stale here, as in
                // zlib; harmless, since the previous match is emitted either way.)
                if matchLength == DeflateAlphabet.minMatch && position - matchStart > Self.tooFar {
                    matchLength = DeflateAlphabet.minMatch - 1
                }
            }

            if previousLength >= DeflateAlphabet.minMatch && matchLength <= previousLength {
                // The match found one position back stands: emit it, index the positions it covers.
                let lastInsertable = bufferedEnd - DeflateAlphabet.minMatch
                block.addMatch(length: previousLength, distance: position - 1 - previousMatch)
                let matchEnd = position - 1 + previousLength
                var p = position + 1
                while p < matchEnd {
                    if p <= lastInsertable { _ = insert(p) }
                    p += 1
                }
                position = matchEnd
                matchAvailable = false
                matchLength = DeflateAlphabet.minMatch - 1
                if block.isFull { finishBlock(at: position, isLast: false, emit: emit) }
            } else if matchAvailable {
                // The byte one back starts no match, or a shorter one than this position's: it goes
                // out as a literal, and this position's match waits for the next comparison.
                block.addLiteral(data[position - 1])
                if block.isFull { finishBlock(at: position, isLast: false, emit: emit) }
                position += 1
            } else {
                matchAvailable = true
                position += 1
            }
        }
        if matchAvailable { block.addLiteral(data[position - 1]) }
        finishBlock(at: position, isLast: true, emit: emit)
    }
}
