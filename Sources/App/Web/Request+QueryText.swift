import Foundation
import Vapor

extension Request {
    /// A query parameter as text. Where its percent-encoding is not UTF-8 (`?limit=%FF`) Vapor's decoding gives
    /// nothing, as if the parameter were absent: then it comes back as written, so the parameter's own check
    /// refuses it (`invalid_limit`) instead of the filter silently disappearing.
    func queryText(_ name: String) -> String? {
        if let value = query[String.self, at: name] { return value }
        guard let raw = url.query else { return nil }
        for pair in raw.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).replacingOccurrences(of: "+", with: " ")
            if (key.removingPercentEncoding ?? key) == name, parts.count > 1, !parts[1].isEmpty { return String(parts[1]) }
        }
        return nil
    }
}
