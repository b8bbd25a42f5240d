import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Reordering the slots of the decoder's cache after a beam-search step.
final class KeyValueCacheTests: XCTestCase {
    /// Fills slot `s`, layer `l` with values that name them: key `1000·l + 100·s + i`, value its negative.
    private func filledCache(lengths: [Int]) throws -> KeyValueCache {
        let cache = try KeyValueCache(layers: 2, slots: lengths.count, capacity: 8, width: 3)
        for l in 0..<2 {
            for (s, n) in lengths.enumerated() {
                for i in 0..<(n * 3) {
                    cache.keyRows(layer: l, slot: s)[i] = Float(1000 * l + 100 * s + i)
                    cache.valueRows(layer: l, slot: s)[i] = -Float(1000 * l + 100 * s + i)
                }
            }
        }
        cache.lengths = lengths
        return cache
    }

    func testRearrangeCopiesEachSourceSlotIncludingOverlaps() throws {
        // Slot 0 continues slot 2, slot 1 continues slot 0 (overwritten in the same step), slot 2 keeps itself,
        // slot 3 also continues slot 0.
        let lengths = [2, 5, 3, 1]
        let cache = try filledCache(lengths: lengths)
        let sources = [2, 0, 2, 0]
        cache.rearrange(sources: sources)
        XCTAssertEqual(cache.lengths, sources.map { lengths[$0] })
        for l in 0..<2 {
            for (slot, source) in sources.enumerated() {
                for i in 0..<(lengths[source] * 3) {
                    XCTAssertEqual(cache.keyRows(layer: l, slot: slot)[i], Float(1000 * l + 100 * source + i))
                    XCTAssertEqual(cache.valueRows(layer: l, slot: slot)[i], -Float(1000 * l + 100 * source + i))
                }
            }
        }
    }

    func testIdentityAndPrefixRearrangementsChangeNothing() throws {
        let lengths = [3, 2, 4]
        let cache = try filledCache(lengths: lengths)
        cache.rearrange(sources: [0, 1, 2])
        cache.rearrange(sources: [0, 1])
        XCTAssertEqual(cache.lengths, lengths)
        for s in 0..<3 {
            XCTAssertEqual(cache.keyRows(layer: 1, slot: s)[0], Float(1000 + 100 * s))
        }
    }

    func testSwappingTwoSlotsLeavesTheRestAlone() throws {
        let lengths = [3, 2, 4]
        let cache = try filledCache(lengths: lengths)
        cache.rearrange(sources: [1, 0])
        XCTAssertEqual(cache.lengths, [2, 3, 4])
        XCTAssertEqual(cache.keyRows(layer: 0, slot: 0)[5], 105)
        XCTAssertEqual(cache.keyRows(layer: 0, slot: 1)[8], 8)
        XCTAssertEqual(cache.valueRows(layer: 1, slot: 2)[11], -1211)
    }
}
