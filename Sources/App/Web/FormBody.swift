import Core
import Foundation

/// An `application/x-www-form-urlencoded` body read as the HTML standard writes it: names as they are. Vapor's form
/// decoder reads `a[b]` as nesting, which a form whose field names come from people (a schema property called
/// `filter[status]` in the playground) must not.
enum FormBody {
    /// The fields in order, repeated names kept.
    static func pairs(_ body: String) -> [(String, String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// Whether the body, and each name and value once its percent-escapes are decoded, is UTF-8 text (RFC 3629). A
    /// browser always sends it so; a script that does not would otherwise have its bytes stored as U+FFFD, or be told a
    /// field "must be a string".
    static func isUTF8(_ body: [UInt8]) -> Bool {
        guard String(validating: body, as: UTF8.self) != nil else { return false }
        var index = 0
        var decoded: [UInt8] = []
        func flush() -> Bool {
            defer { decoded.removeAll(keepingCapacity: true) }
            return String(validating: decoded, as: UTF8.self) != nil
        }
        while index < body.count {
            let byte = body[index]
            if byte == UInt8(ascii: "&") || byte == UInt8(ascii: "=") {
                guard flush() else { return false }
            } else if byte == UInt8(ascii: "%"), index + 2 < body.count,
                      let high = Hex.nibble(body[index + 1]), let low = Hex.nibble(body[index + 2]) {
                decoded.append(high << 4 | low)
                index += 2
            } else {
                decoded.append(byte)
            }
            index += 1
        }
        return flush()
    }

    /// Each name's first value.
    static func fields(_ body: String) -> [String: String] {
        Dictionary(pairs(body), uniquingKeysWith: { first, _ in first })
    }
}
