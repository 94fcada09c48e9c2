import Foundation

/// Standard base64 (RFC 4648 §4, padded, no line breaks), as MCP content and `data:`
/// URIs carry it. Checked by hand so the message can say what is wrong.
public enum Base64Text {
    /// Nil when `text` is valid, else why not.
    public static func problem(_ text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.utf8.count % 4 != 0 { return "is not base64: its length is not a multiple of 4 (is it padded with =?)" }
        if let bad = text.unicodeScalars.first(where: { !isAlphabet($0) && $0 != "=" }) {
            return "is not base64: it contains \(bad.properties.isWhitespace ? "whitespace" : "\"\(bad)\"")"
        }
        guard Data(base64Encoded: text) != nil else { return "is not base64: = may only pad the end" }
        return nil
    }

    private static func isAlphabet(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "+" || scalar == "/"
    }
}
