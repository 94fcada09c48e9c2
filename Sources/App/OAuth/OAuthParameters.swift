import Foundation

/// The parameters of an OAuth request (a query string or an `application/x-www-form-urlencoded`
/// body) read the way RFC 6749 §3.1 says: a parameter sent without a value is treated as if
/// omitted, and one sent more than once makes the request invalid rather than letting the
/// last copy win.
struct OAuthParameters: Sendable {
    private let values: [String: String]
    /// Names that came more than once, sorted.
    let repeated: [String]

    /// nil when a name or value is not valid percent-encoding.
    init?(urlEncoded text: String) {
        var values: [String: String] = [:]
        var repeated: Set<String> = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else { return nil }
            if name.isEmpty || value.isEmpty { continue }
            if values[name] != nil { repeated.insert(name) }
            values[name] = value
        }
        self.values = values
        self.repeated = repeated.sorted()
    }

    subscript(_ name: String) -> String? { values[name] }

    /// The request's invalid_request message when a parameter came more than once.
    var repetition: String? {
        repeated.isEmpty ? nil : "\(repeated.joined(separator: ", ")) \(repeated.count == 1 ? "was" : "were") sent more than once."
    }

    /// RFC 8707 §2 lets a client name several resources; a token here is only ever for one MCP
    /// server, so that is `invalid_target`, not a malformed request.
    static let oneResource = "A token here is for one MCP server: send resource once."
    var repeatsOnlyResource: Bool { repeated == ["resource"] }

    private static func decode(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
