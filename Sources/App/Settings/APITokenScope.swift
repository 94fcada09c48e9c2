import Foundation
import Vapor

/// What a personal API token may reach (SECURITY.md 41). A token that only connects
/// MCP clients cannot be turned into a key to the account's API or its forms.
enum APITokenScope: String, CaseIterable, Sendable, Comparable {
    /// The hosted MCP endpoints of the token's workspace.
    case mcp
    /// The `/v1` API.
    case api

    /// Stored for tokens created before scopes existed: they keep the reach they had
    /// (MCP, `/v1` and the forms), shown as "full access".
    static let fullAccess = "full"

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The scopes asked for at creation; `mcp` when none were named.
    static func parse(_ names: [String]?) throws -> [APITokenScope] {
        guard let names else { return [.mcp] }
        var scopes = Set<APITokenScope>()
        for name in names {
            guard let scope = APITokenScope(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw APIError(.badRequest, "invalid_scope", "Unknown scope “\(name.prefix(40))”: use mcp (MCP servers) or api (the /v1 API).")
            }
            scopes.insert(scope)
        }
        guard !scopes.isEmpty else {
            throw APIError(.badRequest, "invalid_scope", "Choose at least one scope: mcp (MCP servers) or api (the /v1 API).")
        }
        return scopes.sorted()
    }

    /// What the settings page says a token reaches.
    static func label(_ stored: String) -> String {
        if stored == fullAccess { return "Full access" }
        let scopes = Set(stored.split(separator: " ").compactMap { APITokenScope(rawValue: String($0)) })
        switch (scopes.contains(.mcp), scopes.contains(.api)) {
        case (true, true): return "MCP servers and the /v1 API"
        case (true, false): return "MCP servers"
        case (false, true): return "The /v1 API"
        case (false, false): return "Nothing"
        }
    }
}

extension APIToken {
    var isFullAccess: Bool { scopes == APITokenScope.fullAccess }

    func allows(_ scope: APITokenScope) -> Bool {
        isFullAccess || scopes.split(separator: " ").contains(Substring(scope.rawValue))
    }

    /// The scopes as the API lists them; a full-access token lists every one.
    var scopeNames: [String] {
        isFullAccess ? APITokenScope.allCases.sorted().map(\.rawValue) : scopes.split(separator: " ").map(String.init)
    }
}
