/// Formats times the way subtitle files and whisper.cpp's console output write them.
public enum Timestamp {
    /// Milliseconds, rounded, never negative (negative and NaN give 0; huge values saturate).
    public static func milliseconds(_ seconds: Double) -> Int {
        guard seconds > 0 else { return 0 }
        let ms = (seconds * 1000).rounded()
        return ms < Double(Int.max) ? Int(ms) : Int.max
    }

    /// `hh:mm:ss.mmm` (hours grow past 99 as needed); `separator` is `,` for SRT.
    public static func format(_ seconds: Double, separator: Character = ".", alwaysIncludeHours: Bool = true) -> String {
        let total = milliseconds(seconds)
        let hours = total / 3_600_000
        let minutes = total / 60_000 % 60
        let secs = total / 1000 % 60
        let millis = total % 1000
        let tail = "\(pad(minutes, 2)):\(pad(secs, 2))\(separator)\(pad(millis, 3))"
        if !alwaysIncludeHours && hours == 0 { return tail }
        return "\(pad(hours, 2)):" + tail
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
