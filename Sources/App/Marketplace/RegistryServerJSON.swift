import Foundation

/// A template as the official MCP Registry's `server.json` for a remote server
/// (schema 2025-12-11), so its publisher can list the hosted endpoint there too.
struct RegistryServerJSON: Encodable, Sendable {
    static let schemaURL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"

    struct Remote: Encodable, Sendable {
        let type: String
        let url: String
    }

    let schema: String
    /// Reverse-DNS namespace from the public URL's host, then the slug: `com.example/weather`.
    let name: String
    let title: String
    let description: String
    let version: String
    let websiteUrl: String
    /// The source server's MCP endpoint; absent when that server no longer exists.
    let remotes: [Remote]?

    enum CodingKeys: String, CodingKey {
        case schema = "$schema", name, title, description, version, websiteUrl, remotes
    }

    init(_ template: Template, baseURL: String) {
        schema = Self.schemaURL
        name = Self.namespace(baseURL) + "/" + template.slug
        title = Self.clipped(template.title, to: 100)
        description = Self.clipped(template.summary.isEmpty ? template.title : template.summary, to: 100)
        version = "1.0.\(template.latestVersion)"
        websiteUrl = SiteRoute.template(.value(template.slug)).url(base: baseURL)
        remotes = template.sourceServerID.map {
            [Remote(type: "streamable-http", url: OAuthURLs(base: baseURL).resource($0))]
        }
    }

    /// `https://mcp.example.com:8443` → `com.example.mcp`; the registry's pattern allows
    /// letters, digits, dots and hyphens only.
    static func namespace(_ baseURL: String) -> String {
        let host = URLComponents(string: baseURL)?.host?.lowercased() ?? "localhost"
        let reversed = host.split(separator: ".").reversed().joined(separator: ".")
        let allowed = reversed.unicodeScalars.filter { CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789.-").contains($0) }
        let namespace = String(String.UnicodeScalarView(allowed))
        return namespace.isEmpty ? "localhost" : namespace
    }

    /// The registry caps titles and descriptions at 100 characters.
    static func clipped(_ text: String, to limit: Int) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count > limit else { return trimmed }
        return String(trimmed.prefix(limit - 1)) + "…"
    }
}
