import Foundation

/// The pages of browser-based MCP clients that may call hosted servers from another origin
/// (`BMM_MCP_BROWSER_ORIGINS`). Their calls carry a bearer token, never a cookie, so allowing
/// a page lends it nothing it does not already hold; the `Host` check still stops DNS rebinding.
public enum BrowserClientOrigins: Sendable, Equatable {
    /// Only the site's own origins (the default).
    case none
    /// These normalized origins (`SiteOrigins.normalized`) besides the site's.
    case listed(Set<String>)
    /// Any page (`*`).
    case any

    /// The origins in a comma-separated list, and the entries that are not origins (`*` stands alone).
    static func parse(_ text: String) -> (origins: BrowserClientOrigins, refused: [String]) {
        if text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).filter({ !$0.isEmpty }) == ["*"] { return (.any, []) }
        let (origins, refused) = SiteOrigins.parseList(text)
        return (origins.isEmpty ? .none : .listed(Set(origins)), refused)
    }

    func allows(_ origin: String) -> Bool {
        switch self {
        case .none: false
        case .any: true
        case .listed(let origins): SiteOrigins.normalized(origin).map(origins.contains) ?? false
        }
    }
}
