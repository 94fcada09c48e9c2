import Foundation
import Vapor

extension Request {
    /// A query parameter as text. Where its percent-encoding is not UTF-8 (`?limit=%FF`) Vapor's decoding gives
    /// nothing, as if the parameter were absent: then it comes back as written, so the parameter's own check
    /// refuses it (`invalid_limit`) instead of the filter silently disappearing.
    func queryText(_ name: String) -> String? {
        if let value = query[String.self, at: name] { return value }
        // FormBody keeps a value whose percent-encoding does not decode as it was written.
        return FormBody.pairs(url.query ?? "").first { $0.0 == name && !$0.1.isEmpty }?.1
    }
}
