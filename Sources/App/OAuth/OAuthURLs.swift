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

    /// The server a resource URL names, if it is one of ours (trailing slash tolerated).
    func server(fromResource resource: String) -> UUID? {
        var text = resource
        while text.hasSuffix("/") { text.removeLast() }
        // The id may come in either case; everything before it must be our endpoint prefix.
        guard let last = text.split(separator: "/").last, let id = UUID(uuidString: String(last)),
              String(text.dropLast(last.count)) + id.pathText == self.resource(id)
        else { return nil }
        return id
    }
}
