import Foundation

/// Which redirect URIs a client may register, and when a requested one matches.
public enum RedirectURIRule {
    public static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "[::1]", "::1"]
    public static let forbiddenSchemes: Set<String> = ["javascript", "data", "file", "vbscript", "about", "blob"]

    /// nil when acceptable, else the reason.
    public static func problem(_ uri: String) -> String? {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else {
            return "\(uri) is not an absolute URI"
        }
        if forbiddenSchemes.contains(scheme) { return "\(scheme): redirect URIs are not allowed" }
        if components.fragment != nil { return "redirect URIs may not have a fragment" }
        switch scheme {
        case "https":
            return components.host?.isEmpty == false ? nil : "\(uri) has no host"
        case "http":
            return isLoopback(components) ? nil : "http redirect URIs are only allowed on loopback (127.0.0.1, localhost, [::1])"
        default:
            // Private-use schemes of native apps (RFC 8252 §7.1), e.g. cursor://.
            return scheme.contains(where: { !$0.isLetter && !$0.isNumber && !".+-".contains($0) }) ? "\(scheme) is not a valid scheme" : nil
        }
    }

    /// Exact match; on loopback the port may differ (RFC 8252 §7.3).
    public static func matches(_ requested: String, registered: [String]) -> Bool {
        if registered.contains(requested) { return true }
        guard var asked = URLComponents(string: requested), asked.scheme == "http", isLoopback(asked) else { return false }
        asked.port = nil
        return registered.contains { candidate in
            guard var allowed = URLComponents(string: candidate), allowed.scheme == "http" else { return false }
            allowed.port = nil
            return allowed.string == asked.string
        }
    }

    /// Host names are case-insensitive (RFC 3986 §3.2.2): `LOCALHOST` is loopback too.
    private static func isLoopback(_ components: URLComponents) -> Bool {
        loopbackHosts.contains((components.host ?? "").lowercased())
    }
}
