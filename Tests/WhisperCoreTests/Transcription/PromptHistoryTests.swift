import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The bounded prompt history gives the prompts the unbounded token list gives, as far as a
/// prompt can use them, and holds at most twice its capacity.
final class PromptHistoryTests: XCTestCase {
    func testPromptsMatchTheUnboundedListWithinCapacity() {
        var generator = SystemRandomNumberGenerator()
        for capacity in [1, 3, 224] {
            var history = PromptHistory(capacity: capacity)
            var all: [Int] = []
            var resetSince = 0
            var nextToken = 0
            for step in 0..<3000 {
                switch Int.random(in: 0..<10, using: &generator) {
                case 0:
                    history.reset()
                    resetSince = all.count
                default:
                    // Segments of 0 to 2·capacity+5 tokens, sometimes longer than the whole capacity.
                    let tokens = Array(nextToken..<(nextToken + Int.random(in: 0...(2 * capacity + 5), using: &generator)))
                    nextToken += tokens.count
                    history.append(tokens)
                    all += tokens
                }
                let unbounded = Array(all[resetSince...])
                XCTAssertEqual(history.prompt, Array(unbounded.suffix(capacity)), "capacity \(capacity), step \(step)")
                // What the decoder takes from any prompt: at most capacity tokens, here of any shorter length too.
                for keep in [0, 1, capacity / 2, capacity - 1] where keep >= 0 {
                    XCTAssertEqual(history.prompt.suffix(keep), unbounded.suffix(keep))
                }
                XCTAssertLessThanOrEqual(history.recent.count, 2 * capacity)
                XCTAssertEqual(history.totalCount, all.count)
            }
        }
    }

    func testLongInitialPromptIsCutToCapacity() {
        var history = PromptHistory(capacity: 4)
        history.append(Array(0..<100))
        XCTAssertEqual(history.prompt, [96, 97, 98, 99])
        history.reset()
        XCTAssertEqual(history.prompt, [])
        history.append([7])
        XCTAssertEqual(history.prompt, [7])
    }
}
