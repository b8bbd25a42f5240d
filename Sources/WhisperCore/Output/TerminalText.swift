/// Text from outside — a model's vocabulary, a file name — made safe to show on a terminal.
///
/// A damaged or hostile vocabulary can hold control characters (escape sequences that move the
/// cursor, retitle the window or worse); on a terminal they are shown as `\u{..}` escapes instead
/// of being sent raw. Newline and tab pass. Files and pipes get the text as it is.
public enum TerminalText {
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0 controls but newline and tab, DEL, and the C1 controls (0x80–0x9F, which include CSI).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
    }
}
