/// Rules every text people write here shares, whatever field it is in.
public enum TextCheck {
    /// Writing needs a few code points per character at most (a letter, its accents, a variation selector);
    /// more is marks stacked on purpose, which spill over whatever shows them.
    public static let codePointsPerCharacter = 4

    /// Whether `text` is at most `limit` characters, with the code points in them counted too.
    public static func fits(_ text: String, limit: Int) -> Bool {
        text.unicodeScalars.count <= limit * codePointsPerCharacter && text.count <= limit
    }

    /// The first control character `text` may not hold, or nil. NUL and the other C0/C1 controls cannot be stored
    /// by every database or shown on a page; line breaks and tabs are allowed in `multiline` text only (one-line
    /// text also refuses U+2028/U+2029, which some readers treat as line breaks).
    public static func controlCharacter(in text: String, multiline: Bool) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            switch scalar.properties.generalCategory {
            case .control: !(multiline && (scalar == "\n" || scalar == "\r" || scalar == "\t"))
            case .lineSeparator, .paragraphSeparator: !multiline
            default: false
            }
        }
    }

    /// Whether `text` shows anything: not only spaces, invisible format characters or Hangul fillers.
    public static func isVisible(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .spaceSeparator, .lineSeparator, .paragraphSeparator, .format, .control, .nonspacingMark, .enclosingMark: false
            default: !invisibleLetters.contains(scalar.value) && !scalar.properties.isWhitespace
            }
        }
    }

    /// Letters and symbols that draw nothing: Hangul fillers and the blank Braille pattern.
    private static let invisibleLetters: Set<UInt32> = [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800]

    /// `U+0000`, the way messages name a character that cannot be shown.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Why `text` holds `scalar`, in the words the API's messages use.
    public static func controlMessage(_ scalar: Unicode.Scalar) -> String {
        switch scalar.properties.generalCategory {
        case .lineSeparator, .paragraphSeparator: "holds a line break; it is one line"
        case .control where scalar == "\n" || scalar == "\r": "holds a line break; it is one line"
        default: "holds a control character (\(name(scalar))), which cannot be stored or shown; remove it"
        }
    }
}
