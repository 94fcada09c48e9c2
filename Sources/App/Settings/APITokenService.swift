import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// Creating, listing, using and revoking personal API tokens.
struct APITokenService: Sendable {
    static let maxNameLength = 80
    static let maxLifetimeDays = 365

    let database: any Database
    let now: Date
    let audit: AuditLog
    let random: AppRandom
    /// Forgets a revoked token's caller on this instance at once.
    let callers: CallerCache

    /// Returns the stored token and the secret, which is shown exactly once. Made with a token, the new one has
    /// at most that token's scopes and expires no later.
    /// With `server` (one of the caller's workspace, found by the caller) the token reaches that MCP server only.
    func create(name rawName: String, expiresInDays: Int?, scopes: [APITokenScope], server: HostedServer? = nil,
                for current: CurrentUser) async throws -> (APIToken, secret: String) {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, TextCheck.fits(name, limit: Self.maxNameLength), TextCheck.isVisible(name),
              !name.unicodeScalars.contains(where: DisplayName.isRefused)
        else {
            throw APIError(.badRequest, "invalid_name", "Give the token a name of 1 to \(Self.maxNameLength) characters on one line.")
        }
        if server != nil, scopes != [.mcp] {
            throw APIError(.badRequest, "invalid_scope", "A token for one server reaches that MCP server only: give it just the mcp scope, or no server.")
        }
        if let days = expiresInDays, !(1...Self.maxLifetimeDays).contains(days) {
            throw APIError(.badRequest, "invalid_expiry", "Expiry must be between 1 and \(Self.maxLifetimeDays) days.")
        }
        var expiresAt = expiresInDays.map { now.addingTimeInterval(TimeInterval($0) * 86_400) }
        if let parent = current.apiToken {
            // A token makes tokens no stronger than itself, or a stolen short-lived or narrow one could mint a
            // lasting, wider one: its scopes at most, and gone when it is.
            let missing = Set(scopes).filter { !parent.allows($0) }.map(\.rawValue).sorted()
            guard missing.isEmpty else {
                throw APIError(.forbidden, "insufficient_scope",
                               "A token can only make tokens with scopes it has itself, and this one lacks \(missing.joined(separator: " and ")). Create that token in Settings → API tokens.",
                               headers: ["WWW-Authenticate": "Bearer error=\"insufficient_scope\""])
            }
            if let limit = parent.expiresAt { expiresAt = min(expiresAt ?? limit, limit) }
            if let only = parent.serverID, server?.id != only {
                throw APIError(.forbidden, "insufficient_scope", "This token reaches one server only, so it can only make tokens for that server.",
                               headers: ["WWW-Authenticate": "Bearer error=\"insufficient_scope\""])
            }
        }
        let secret = APIToken.prefix + random.token()
        let token = APIToken()
        token.$organization.id = current.organization.id!
        token.$user.id = current.user.id!
        token.name = name
        token.tokenHash = SecretToken.sha256(secret)
        token.hint = String(secret.suffix(4))
        token.createdAt = now
        token.expiresAt = expiresAt
        token.scopes = Set(scopes).sorted().map(\.rawValue).joined(separator: " ")
        token.parentTokenID = current.apiToken?.id
        token.serverID = server?.id
        try await database.writeTransaction { db in
            // A token revoked while this request ran must not leave a child behind: the parent is read again,
            // locked against `revoke` until this insert commits (SQLite's writer lock does the same).
            if let parent = token.parentTokenID, try await !db.lockRow(of: APIToken.schema, id: parent, shared: true) {
                throw APIError(.unauthorized, "invalid_token", "The API token is unknown, revoked or expired.",
                               headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
            }
            try await token.create(on: db)
        }
        var metadata = ["name": token.name, "scopes": token.scopes]
        if let server { metadata["server"] = server.slug }
        // Who made it: a browser session, or a token (named by its hint, as Settings lists it).
        if let parent = current.apiToken { metadata["by_token"] = "…" + parent.hint }
        try await audit.record("token.created", organization: current.organization.id, actor: current.user.id,
                               resourceType: "api_token", resourceID: token.id?.uuidString, metadata: metadata)
        return (token, secret)
    }

    func list(for current: CurrentUser) async throws -> [APIToken] {
        try await APIToken.query(on: database)
            .filter(\.$organization.$id == current.organization.id!)
            .filter(\.$user.$id == current.user.id!)
            .sort(\.$createdAt, .descending)
            .all()
    }

    /// Deletes one of the caller's tokens; another person's token is "not found".
    func revoke(id: UUID, for current: CurrentUser) async throws -> APIToken {
        guard let token = try await APIToken.query(on: database)
            .filter(\.$id == id)
            .filter(\.$organization.$id == current.organization.id!)
            .filter(\.$user.$id == current.user.id!)
            .first()
        else {
            throw APIError(.notFound, "not_found", "No such token.")
        }
        // The tokens it made, and theirs: gone with it. Each generation is locked as it is found, so a child being
        // made of one of them is either committed before it is looked for or refused once its parent is gone.
        let descendants = try await database.writeTransaction { db -> [APIToken] in
            // Revoked meanwhile by another request: one revocation, one audit event.
            guard try await db.lockRow(of: APIToken.schema, id: token.id!) else { throw APIError(.notFound, "not_found", "No such token.") }
            var descendants: [APIToken] = []
            var parents = [token.id!]
            while !parents.isEmpty {
                let children = try await APIToken.query(on: db).filter(\.$parentTokenID ~~ parents).all()
                for child in children { _ = try await db.lockRow(of: APIToken.schema, id: child.id!) }
                descendants += children
                parents = children.compactMap(\.id)
            }
            try await APIToken.query(on: db).filter(\.$id ~~ ([token] + descendants).compactMap(\.id)).delete()
            return descendants
        }
        let revoked = [token] + descendants
        for gone in revoked { callers.forget(.token(hash: gone.tokenHash)) }
        var metadata = ["name": token.name]
        if !descendants.isEmpty { metadata["made_with_it"] = descendants.map { "…" + $0.hint }.joined(separator: ", ") }
        try await audit.record("token.revoked", organization: current.organization.id, actor: current.user.id,
                               resourceType: "api_token", resourceID: token.id?.uuidString, metadata: metadata)
        return token
    }

    /// The signed-in person behind a bearer token, or `nil`. Its last use is recorded by `admit`,
    /// once the request is one the token may make: a refused request is not a use.
    func authenticate(secret: String) async throws -> (APIToken, User, Organization)? {
        guard secret.hasPrefix(APIToken.prefix) else { return nil }
        let found: APIToken?
        do {
            found = try await APIToken.query(on: database)
                .filter(\.$tokenHash == SecretToken.sha256(secret))
                .with(\.$user).with(\.$organization)
                .first()
        } catch FluentError.missingParent {
            // Fluent reads the person and the workspace with queries of their own: an account deleted between
            // them took the token with it, which is an unknown token (401), not a failure.
            return nil
        }
        guard let token = found else { return nil }
        if let expiry = token.expiresAt, expiry <= now { return nil }
        // A token speaks for a member; one whose membership ended by any path speaks for nobody.
        guard try await Membership.exists(user: token.$user.id, organization: token.$organization.id, on: database) else { return nil }
        return (token, token.user, token.organization)
    }
}

extension APITokenService {
    /// What `caller(secret:)` reads; the index test plans this same statement.
    static func callerQuery(tokenHash: String) -> SQLQueryString {
        """
        SELECT t.id, t.user_id, t.organization_id, t.expires_at, t.last_used_at, t.scopes, t.server_id, o.suspended_at
        FROM api_tokens t JOIN organizations o ON o.id = t.organization_id
        JOIN memberships m ON m.user_id = t.user_id AND m.organization_id = t.organization_id
        WHERE t.token_hash = \(bind: tokenHash)
        """
    }

    /// The MCP endpoint's lookup: token, workspace and membership in one query, no models loaded.
    func caller(secret: String) async throws -> BearerCaller? {
        guard secret.hasPrefix(APIToken.prefix), let sql = database as? any SQLDatabase,
              let row = try await sql.raw(Self.callerQuery(tokenHash: SecretToken.sha256(secret))).first()
        else { return nil }
        let expiry = try row.decode(column: "expires_at", as: Date?.self)
        if let expiry, expiry <= now { return nil }
        let scopes = try row.decode(column: "scopes", as: String.self)
        guard scopes == APITokenScope.fullAccess || scopes.split(separator: " ").contains(Substring(APITokenScope.mcp.rawValue)) else {
            try await refuseScope(tokenID: try row.decode(column: "id", as: UUID.self), organization: try row.decode(column: "organization_id", as: UUID.self),
                                  user: try row.decode(column: "user_id", as: UUID.self), needed: .mcp)
        }
        let lastUsed = try row.decode(column: "last_used_at", as: Date?.self)
        if lastUsed.map({ now.timeIntervalSince($0) >= SessionService.touchInterval }) ?? true {
            try await sql.raw("UPDATE api_tokens SET last_used_at = \(bind: now) WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))").run()
        }
        return BearerCaller(userID: try row.decode(column: "user_id", as: UUID.self),
                            organizationID: try row.decode(column: "organization_id", as: UUID.self),
                            organizationSuspended: try row.decode(column: "suspended_at", as: Date?.self) != nil,
                            expiresAt: expiry, serverID: try row.decode(column: "server_id", as: UUID?.self))
    }
}

extension APITokenService {
    /// Where a token authenticates a request outside MCP: a scoped token reaches only
    /// `/v1`, and only with the `api` scope; pages and forms need a browser session
    /// (or a token from before scopes, which keeps its full access). An admitted request
    /// is the token's use (`lastUsedAt`, written at most once per touch interval).
    func admit(_ token: APIToken, path: String) async throws {
        if !token.isFullAccess, !(SiteRoute.isAPI(path: path) && token.allows(.api)) {
            try await refuseScope(tokenID: token.id, organization: token.$organization.id, user: token.$user.id,
                                  needed: SiteRoute.isAPI(path: path) ? .api : nil)
        }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) >= SessionService.touchInterval }) ?? true {
            token.lastUsedAt = now
            try await token.save(on: database)
        }
    }

    /// Records the refusal and answers 403 `insufficient_scope`.
    func refuseScope(tokenID: UUID?, organization: UUID, user: UUID, needed: APITokenScope?) async throws -> Never {
        try await audit.record("token.scope_refused", organization: organization, actor: user, resourceType: "api_token",
                               resourceID: tokenID?.uuidString, metadata: ["needed": needed?.rawValue ?? "session"])
        let message = switch needed {
        case .mcp: "This token has no mcp scope, so it cannot call MCP servers. Create a token with the mcp scope in Settings → API tokens."
        case .api: "This token has no api scope, so it cannot use the /v1 API. Create a token with the api scope in Settings → API tokens."
        case nil: "Personal API tokens do not work on pages and forms; sign in with a browser instead."
        }
        throw APIError(.forbidden, "insufficient_scope", message, headers: ["WWW-Authenticate": "Bearer error=\"insufficient_scope\""])
    }
}

extension Request {
    func tokenService() -> APITokenService {
        APITokenService(database: db, now: application.clock.now(), audit: auditLog(), random: application.random,
                        callers: application.callers)
    }
}
