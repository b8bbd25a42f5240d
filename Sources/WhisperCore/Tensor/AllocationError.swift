/// Memory the engine needed and could not have: how much, what for, and what the machine has.
///
/// Thrown instead of crashing when a buffer would not fit — a model too large for this machine,
/// a beam search with an absurd number of beams, hours of audio on a small device — so that the
/// caller can say so: `cannot allocate 8.34 TiB (9172942848000 bytes) for the decoder's
/// key/value cache (…): this machine has 23.4 GiB of memory`.
public struct AllocationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Bytes needed; nil when the size does not even fit in a 64-bit integer.
    public let bytes: Int?
    /// What the memory was for, with the sizes it follows from.
    public let purpose: String
    /// The machine's physical memory in bytes, when known.
    public let physicalMemory: Int?

    public init(bytes: Int?, purpose: String, physicalMemory: Int?) {
        self.bytes = bytes
        self.purpose = purpose
        self.physicalMemory = physicalMemory
    }

    public var description: String {
        let amount = bytes.map { "\(Self.format($0)) (\($0) bytes)" } ?? "more than \(Int.max) bytes"
        var text = "cannot allocate \(amount) for \(purpose)"
        if let physicalMemory { text += ": this machine has \(Self.format(physicalMemory)) of memory" }
        return text
    }

    /// A byte count in binary units with three significant digits: "512 B", "1.50 KiB", "8.34 TiB".
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let digits = value < 10 ? 2 : value < 100 ? 1 : 0
        return formatFixed(value, digits) + " " + units[unit]
    }

    /// `value` with `digits` decimals, without Foundation's `String(format:)`.
    private static func formatFixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        guard digits > 0 else { return "\(whole)" }
        let fraction = String(scaled % Int(scale))
        return "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
