import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// Tokenizers over the real vocabularies of the synthetic models in ../shared, built once per
/// test process (building the rank table takes a moment in debug builds).
enum SharedTokenizers {
    private static let lock = NSLock()
    private static var cache: [String: Tokenizer] = [:]

    /// GPT-2's vocabulary (English-only models, n_vocab 51864).
    static func english() throws -> Tokenizer { try load("tiny.en-synthetic-f16.bin") }
    /// The multilingual vocabulary (n_vocab 51865).
    static func multilingual() throws -> Tokenizer { try load("nano-synthetic-f16.bin") }
    /// The multilingual vocabulary with large-v3's layout (n_vocab 51866).
    static func largeV3() throws -> Tokenizer { try load("nano-v3-synthetic-f16.bin") }

    static func load(_ model: String) throws -> Tokenizer {
        let path = try SharedData.model(model)
        lock.lock()
        defer { lock.unlock() }
        if let tokenizer = cache[path] { return tokenizer }
        let file = try GGMLModelFile(path: path)
        let tokenizer = try Tokenizer(vocabulary: file.vocabulary, vocabularySize: file.hyperparameters.nVocab)
        cache[path] = tokenizer
        return tokenizer
    }

    /// Parses a fixture's space-separated list of integers.
    static func numbers(_ text: String) -> [Int] {
        text.split(separator: " ").map { Int($0)! }
    }
}
