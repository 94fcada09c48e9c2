import Fluent
import Foundation
import Vapor

/// `/v1/tokens`, `/v1/account` and `/v1/audit`: the signed-in person's own data.
enum AccountAPIController {
    struct TokenRequest: Content {
        let name: String
        let expiresInDays: Int?
        /// `mcp` (MCP servers, the default) and/or `api` (the `/v1` API).
        let scopes: [String]?
        /// One server of the workspace: the token then reaches that server's MCP endpoint only.
        let serverId: UUID?
    }

    struct TokenInfo: Content {
        let id: UUID
        let name: String
        let hint: String
        let createdAt: Date
        let lastUsedAt: Date?
        let expiresAt: Date?
        let scopes: [String]
        /// Tokens from before scopes: they also reach pages and forms.
        let fullAccess: Bool
        /// The one server the token reaches, if it was made for one.
        let serverId: UUID?
        /// Only in the answer to creation: shown once, never stored.
        let token: String?

        init(_ token: APIToken, secret: String? = nil) {
            id = token.id!
            name = token.name
            hint = token.hint
            createdAt = token.createdAt
            lastUsedAt = token.lastUsedAt
            expiresAt = token.expiresAt
            scopes = token.scopeNames
            fullAccess = token.isFullAccess
            serverId = token.serverID
            self.token = secret
        }
    }

    struct TokenList: Content {
        let tokens: [TokenInfo]
    }

    struct ProfileRequest: Content {
        let displayName: String
    }

    struct DeleteRequest: Content {
        let confirm: String
    }

    static func createToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try req.content.decode(TokenRequest.self)
        let scopes = try APITokenScope.parse(body.scopes)
        // Another workspace's server, or none, is "not found", as on every other route that takes a server id.
        let server: HostedServer? = if let id = body.serverId { try await req.servers(current).find(id) } else { nil }
        let (token, secret) = try await req.tokenService().create(name: body.name, expiresInDays: body.expiresInDays,
                                                                  scopes: scopes, server: server, for: current)
        return try req.json(TokenInfo(token, secret: secret), status: .created).noStore()
    }

    static func listTokens(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let tokens = try await req.tokenService().list(for: current)
        return try req.json(TokenList(tokens: tokens.map { TokenInfo($0) })).noStore()
    }

    static func revokeToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameter(.token, as: UUID.self) else {
            throw APIError(.notFound, "not_found", "No such token.")
        }
        _ = try await req.tokenService().revoke(id: id, for: current)
        return Response(status: .noContent).noStore()
    }

    static func updateProfile(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try req.content.decode(ProfileRequest.self)
        try await req.account().updateDisplayName(body.displayName, for: current)
        return try req.json(try await Me.load(current, on: req.db)).noStore()
    }

    static func deleteAccount(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        // Irreversible, so it needs the person at a browser: a token that leaked must not be able to do it.
        guard current.session != nil else {
            throw APIError(.forbidden, "insufficient_scope", "Deleting the account needs a signed-in browser session; an API token cannot do it.",
                           headers: ["WWW-Authenticate": "Bearer error=\"insufficient_scope\""])
        }
        let body = try req.content.decode(DeleteRequest.self)
        try await req.account().delete(current, confirm: body.confirm)
        let response = Response(status: .noContent)
        req.accounts.cookies.clearSignIn(on: response)
        return response.noStore()
    }
}
