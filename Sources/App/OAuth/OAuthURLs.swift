import Foundation

/// The issuer's addresses, all derived from the public URL so metadata, the
/// 401 challenge and token audiences agree.
struct OAuthURLs: Sendable {
    let base: String

    var issuer: String { base }
    var authorize: String { SiteRoute.oauth(.authorize).url(base: base) }
    var token: String { SiteRoute.oauth(.token).url(base: base) }
    var register: String { SiteRoute.oauth(.register).url(base: base) }
    var revoke: String { SiteRoute.oauth(.revoke).url(base: base) }

    static let scope = "mcp:tools"

    /// A hosted server's MCP endpoint, which is also its OAuth resource identifier.
    func resource(_ server: UUID) -> String { SiteRoute.mcp(.value(server)).url(base: base) }

    func resourceMetadata(_ server: UUID) -> String {
        SiteRoute.wellKnown(.protectedResource(.value(server))).url(base: base)
    }

    /// RFC 9728 §3.3: the metadata's `resource` must be identical to the URL the client used,
    /// so a server reached as `/mcp/{ID}/` (any case of the id, a trailing slash) is described
    /// in that spelling, at the metadata URL for it. Tokens are still bound to the canonical
    /// resource (`canonicalResource`). Other spellings (odd characters) get the canonical one.
    func resource(asRequested path: String, of id: UUID) -> String {
        names(id, path) ? trimmedBase + path : resource(id)
    }

    func resourceMetadata(asRequested path: String, of id: UUID) -> String {
        names(id, path) ? trimmedBase + SiteRoute.wellKnown(.protectedResourceRoot).path + path : resourceMetadata(id)
    }

    /// Whether `path` is a plain spelling of server `id`'s endpoint.
    private func names(_ id: UUID, _ path: String) -> Bool {
        Self.isPlain(path) && server(fromResource: trimmedBase + path) == id
    }

    private var trimmedBase: String { base.hasSuffix("/") ? String(base.dropLast()) : base }

    /// Letters, digits, `-` and `/` only: safe inside a quoted header parameter as it is.
    private static func isPlain(_ path: String) -> Bool {
        path.hasPrefix("/") && path.utf8.allSatisfy { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    /// The server a resource URL names, if it is one of ours. Compared the way RFC 3986 §6.2
    /// normalises: scheme and host in any case, trailing slashes tolerated, the id in either case.
    func server(fromResource resource: String) -> UUID? {
        guard let normalized = Self.normalized(resource), let last = normalized.split(separator: "/").last,
              let id = UUID(uuidString: String(last)),
              String(normalized.dropLast(last.count)) + id.pathText == Self.normalized(self.resource(id))
        else { return nil }
        return id
    }

    /// The canonical resource identifier for what a client sent, or nil when it names no server of ours.
    func canonicalResource(_ resource: String) -> String? {
        server(fromResource: resource).map(self.resource)
    }

    private static func normalized(_ url: String) -> String? {
        guard var components = URLComponents(string: url), let scheme = components.scheme, let host = components.host,
              components.query == nil, components.fragment == nil, components.user == nil
        else { return nil }
        components.scheme = scheme.lowercased()
        components.host = host.lowercased()
        while components.path.hasSuffix("/") { components.path.removeLast() }
        return components.string
    }
}
