import Foundation

/// A string written as JSON text by the few writers that build JSON by hand (JSON-LD blocks,
/// JSON log lines), where going through `JSONEncoder` would cost an allocation per value.
enum JSONStringLiteral {
    /// Appends `text`, quoted. Beyond what JSON requires, `<`, `>` and `&` are escaped so that
    /// neither `</script>` nor `<!--` can appear when the text sits in an HTML script block;
    /// the line and paragraph separators (which end a JavaScript line) and C1 control
    /// characters (which terminals act on) are escaped too.
    static func append(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
