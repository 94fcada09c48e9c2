import Foundation

/// The browser origins and `Host` names this site answers to: the configured public
/// origin plus `BMM_ALLOWED_ORIGINS`, and in development the loopback names of the
/// same port (SECURITY.md 39). Never the request's own `Host`: a page on a
/// DNS-rebinding name sends a matching `Host` and `Origin`, so comparing the two
/// proves nothing.
struct SiteOrigins: Sendable, Equatable {
    /// Normalized `scheme://host[:port]`, default ports left out.
    let origins: Set<String>
    /// `host` and `host:port` as a `Host` header may spell them, lowercased.
    let hosts: Set<String>

    init(publicURL: String, allowed: [String], isProduction: Bool) {
        var origins = Set([publicURL] + allowed).compactMap(Self.normalized)
        if !isProduction, let own = Self.parts(publicURL), Self.loopbackNames.contains(own.host) {
            // 127.0.0.1, localhost and [::1] are the same development server.
            origins += Self.loopbackNames.compactMap { Self.normalized("\(own.scheme)://\($0):\(own.port)") }
        }
        self.origins = Set(origins)
        self.hosts = Set(origins.compactMap(Self.parts).flatMap { origin -> [String] in
            let isDefault = origin.port == (origin.scheme == "https" ? 443 : 80)
            return isDefault ? [origin.host, "\(origin.host):\(origin.port)"] : ["\(origin.host):\(origin.port)"]
        })
    }

    func allowsOrigin(_ origin: String) -> Bool {
        Self.normalized(origin).map(origins.contains) ?? false
    }

    func allowsHost(_ host: String) -> Bool {
        hosts.contains(host.lowercased())
    }

    private static let loopbackNames = ["127.0.0.1", "localhost", "[::1]"]

    /// A comma-separated list of origins (a setting): each entry normalized, and the entries that
    /// are not a bare origin (scheme and host, no path).
    static func parseList(_ text: String) -> (origins: [String], refused: [String]) {
        var origins: [String] = []
        var refused: [String] = []
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            if let origin = normalized(entry), URL(string: entry)?.path.isEmpty == true {
                origins.append(origin)
            } else {
                refused.append(entry)
            }
        }
        return (origins, refused)
    }

    /// `https://Example.COM:443/` → `https://example.com`; nil for anything that is not an http(s) origin.
    static func normalized(_ text: String) -> String? {
        guard let parts = parts(text) else { return nil }
        let isDefault = parts.port == (parts.scheme == "https" ? 443 : 80)
        return "\(parts.scheme)://\(parts.host)" + (isDefault ? "" : ":\(parts.port)")
    }

    private static func parts(_ text: String) -> (scheme: String, host: String, port: Int)? {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.percentEncodedHost?.lowercased(), !host.isEmpty,
              components.user == nil, components.password == nil
        else { return nil }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return (scheme, bracketed, port)
    }
}
