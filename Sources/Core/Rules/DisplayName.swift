import Foundation

/// A name people choose that others then read: a display name, a workspace name. It is shown on
/// pages and written into email subjects ("Ada invited you to Acme"), so it holds no line break
/// or control character (which could split a header or a log line) and no bidirectional control,
/// which can reorder the text around it so that "(ada@example.com)" after a name reads as
/// something else. Joiners and other format characters stay: emoji sequences and scripts need them.
public enum DisplayName {
    public static let maxLength = 80

    /// The trimmed name, or nil when it is empty, too long (`TextCheck.fits`), shows nothing or holds a character above.
    public static func normalized(_ raw: String) -> String? {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, TextCheck.fits(name, limit: maxLength), TextCheck.isVisible(name),
              !name.unicodeScalars.contains(where: isRefused) else { return nil }
        return name
    }

    public static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return isBidiControl(scalar)
        }
    }

    /// U+061C, U+200E–U+200F, U+202A–U+202E and U+2066–U+2069 (Unicode's Bidi_Control property).
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E...0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
