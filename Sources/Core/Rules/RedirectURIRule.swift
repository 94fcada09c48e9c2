import Foundation

/// Which redirect URIs a client may register, and when a requested one matches.
public enum RedirectURIRule {
    public static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "[::1]", "::1"]
    public static let forbiddenSchemes: Set<String> = ["javascript", "data", "file", "vbscript", "about", "blob"]

    /// nil when acceptable, else the reason. Only https and loopback http, as the MCP
    /// authorization specification requires ("All redirect URIs MUST be either localhost or
    /// use HTTPS"), unless the operator named a native app's private-use scheme in `appSchemes`.
    public static func problem(_ uri: String, appSchemes: Set<String> = []) -> String? {
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
            // Private-use schemes of native apps (RFC 8252 §7.1), e.g. cursor://, only where allowed.
            return appSchemes.contains(scheme) ? nil : "redirect URIs must use https, or http on a loopback address (127.0.0.1, localhost, [::1])"
        }
    }

    /// Whether `scheme` can name a native app's private-use redirect scheme: a valid URI scheme
    /// (RFC 3986 §3.1) that is not a web or browser-internal one.
    public static func isAppScheme(_ scheme: String) -> Bool {
        guard let first = scheme.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        let valid = scheme.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) }
        return valid && !forbiddenSchemes.contains(scheme) && !["http", "https", "ws", "wss", "ftp"].contains(scheme)
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
