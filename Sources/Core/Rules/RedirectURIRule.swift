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
        if scheme == "http" || scheme == "https", let problem = hostProblem(uri) { return problem }
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

    /// The host as `uri` writes it, undecoded, without user name or port; nil without an authority. What the consent
    /// page shows: the host a browser goes to, where a decoded one (`аррӏе.com` for `xn--80ak6aa92e.com`) can pass for
    /// another.
    public static func writtenHost(_ uri: String) -> String? {
        guard let start = uri.range(of: "://") else { return nil }
        var host = uri[start.upperBound...].prefix { !"/?#".contains($0) }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") { return String(host[...end]) }
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        return String(host)
    }

    /// A web redirect's host must read as what it is: ASCII letters, digits, hyphens and dots (an internationalized
    /// name in its `xn--` form) or an IP literal, with no user name and nothing percent-encoded or escaped, which
    /// browsers decode into another host than the one shown (`evil.example%E3%80%82good.example` is
    /// `evil.example.good.example`).
    private static func hostProblem(_ uri: String) -> String? {
        let authority = uri.range(of: "://").map { uri[$0.upperBound...].prefix { !"/?#".contains($0) } } ?? ""
        if authority.contains("@") || authority.contains("\\") { return "redirect URIs may not carry a user name" }
        guard let host = writtenHost(uri), !host.isEmpty else { return "\(uri) has no host" }
        if host.hasPrefix("[") { return nil }
        let labels = host.hasSuffix(".") ? host.dropLast().split(separator: ".", omittingEmptySubsequences: false)
            : host.split(separator: ".", omittingEmptySubsequences: false)
        let plain = labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        }
        return plain ? nil : "a redirect URI's host must be written in ASCII letters, digits, hyphens and dots (an internationalized name in its xn-- form)"
    }

    /// Whether `scheme` can name a native app's private-use redirect scheme: a valid URI scheme
    /// (RFC 3986 §3.1) that is not a web or browser-internal one.
    public static func isAppScheme(_ scheme: String) -> Bool {
        guard let first = scheme.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        let valid = scheme.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) }
        return valid && !forbiddenSchemes.contains(scheme) && !["http", "https", "ws", "wss", "ftp"].contains(scheme)
    }

    /// Whether a redirect to `uri` takes the browser to a site on the web (https, or http off loopback), rather than
    /// back to a program on the person's own machine (loopback) or to a native app (its private-use scheme). Anyone
    /// can register such an address, so the authorization server sends a browser there only after the person chose
    /// to go (RFC 9700 §4.11.2, "Authorization Server as Open Redirector").
    public static func leavesForTheWeb(_ uri: String) -> Bool {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else { return true }
        guard scheme == "http" || scheme == "https" else { return false }
        return !isLoopback(components)
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
