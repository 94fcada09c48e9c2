import Foundation

/// The issuer's addresses, all derived from the public URL so metadata, the
/// 401 challenge and token audiences agree.
struct OAuthURLs: Sendable {
    let base: String

    var issuer: String { base }
    var authorize: String { base + "/oauth/authorize" }
    var token: String { base + "/oauth/token" }
    var register: String { base + "/oauth/register" }
    var revoke: String { base + "/oauth/revoke" }

    static let scope = "mcp:tools"

    func resource(_ server: UUID) -> String { base + "/mcp/" + server.uuidString.lowercased() }

    func resourceMetadata(_ server: UUID) -> String {
        base + "/.well-known/oauth-protected-resource/mcp/" + server.uuidString.lowercased()
    }

    /// The server a resource URL names, if it is one of ours (trailing slash tolerated).
    func server(fromResource resource: String) -> UUID? {
        var text = resource
        while text.hasSuffix("/") { text.removeLast() }
        let prefix = base + "/mcp/"
        guard text.hasPrefix(prefix) else { return nil }
        return UUID(uuidString: String(text.dropFirst(prefix.count)))
    }
}
