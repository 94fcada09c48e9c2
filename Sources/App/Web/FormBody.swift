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

    /// Each name's first value.
    static func fields(_ body: String) -> [String: String] {
        Dictionary(pairs(body), uniquingKeysWith: { first, _ in first })
    }
}
