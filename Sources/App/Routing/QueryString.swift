import Foundation

/// A query string in the order given, each value percent-encoded so that only
/// RFC 3986 unreserved characters and `/` stay as they are: a `next=/servers`
/// stays readable, `&`, `=`, `?` and `#` cannot break out, and `+` is encoded
/// because decoders read a bare `+` as a space (`+41…` would become ` 41…`).
struct QueryString: Sendable, Hashable {
    private(set) var items: [(name: String, value: String)] = []

    init(_ items: [(String, String)] = []) {
        self.items = items.map { (name: $0.0, value: $0.1) }
    }

    static func == (lhs: QueryString, rhs: QueryString) -> Bool {
        lhs.text == rhs.text
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }

    /// `a=1&b=2`, empty for no items.
    var text: String {
        items.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
    }

    private static let allowed: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        set.insert(charactersIn: "-._~/")
        return set
    }()

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
