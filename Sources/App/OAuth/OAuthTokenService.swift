import Crypto
import Fluent
import SQLKit
import Foundation
import Vapor

/// Codes, tokens and grants. Every secret is stored as SHA-256; access tokens
/// live an hour and name the one server they are for.
struct OAuthTokenService: Sendable {
    let database: any Database
    let now: Date
    let random: AppRandom
    /// Forgets revoked tokens' callers on this instance at once.
    let callers: CallerCache

    static let codeLifetime: TimeInterval = 600
    static let accessLifetime: TimeInterval = 3600
    static let refreshLifetime: TimeInterval = 30 * 24 * 3600

    struct Issued: Content {
        let access_token: String
        let token_type: String
        let expires_in: Int
        let refresh_token: String
        let scope: String
    }

    /// `redirectURI` nil: the authorization request left it out (the client's only registered one was used),
    /// stored as the empty string.
    func issueCode(grant: OAuthGrant, clientID: String, redirectURI: String?, challenge: String, resource: String) async throws -> String {
        let code = random.token()
        let row = OAuthCode()
        row.codeHash = SecretToken.sha256(code)
        row.$grant.id = grant.id!
        row.clientID = clientID
        row.redirectURI = redirectURI ?? ""
        row.codeChallenge = challenge
        row.resource = resource
        row.scope = grant.scope
        row.expiresAt = now.addingTimeInterval(Self.codeLifetime)
        try await row.create(on: database)
        return code
    }

    /// authorization_code: single use (a replay revokes what the code issued), bound
    /// to client, redirect URI and resource, PKCE S256 checked.
    func redeem(code: String, clientID: String, redirectURI: String?, verifier: String, resource: String?) async throws -> Issued {
        guard let row = try await OAuthCode.query(on: database).filter(\.$codeHash == SecretToken.sha256(code)).first() else {
            throw OAuthError.invalidGrant("The authorization code is unknown.")
        }
        guard row.usedAt == nil else { throw try await replayed(row.id!, grant: row.$grant.id) }
        guard row.expiresAt > now else { throw OAuthError.invalidGrant("The authorization code has expired.") }
        guard row.clientID == clientID else { throw OAuthError.invalidGrant("The code was issued to another client.") }
        // OAuth 2.1 §4.1.3: the same redirect_uri as the authorization request, or none if it had none.
        guard row.redirectURI == (redirectURI ?? "") else {
            throw OAuthError.invalidGrant(row.redirectURI.isEmpty
                ? "The authorization request had no redirect_uri, so the token request must not send one."
                : "redirect_uri does not match the authorization request.")
        }
        guard resource == nil || row.resource == resource else {
            throw OAuthError("invalid_target", "resource does not match the authorization request.")
        }
        guard Self.challenge(for: verifier) == row.codeChallenge else { throw OAuthError.invalidGrant("The PKCE code_verifier does not match the code_challenge.") }
        guard let grant = try await OAuthGrant.find(row.$grant.id, on: database), grant.revokedAt == nil else {
            throw OAuthError.invalidGrant("The consent behind this code was revoked.")
        }
        try await requireMembership(grant)
        // One conditional update decides who redeems, in the same transaction as the tokens it
        // issues: a request that loses the race waits for the winner's commit (the row's lock on
        // PostgreSQL, the writer lock on SQLite), so the replay revokes tokens that exist.
        let (codeID, resource) = (row.id!, row.resource)
        let issued = try await database.writeTransaction { [self] database -> Issued? in
            guard try await database.markOnce(OAuthCode.self, "used_at", id: codeID, now: now) else { return nil }
            return try await issue(grant: grant, resource: resource, codeID: codeID, on: database)
        }
        guard let issued else { throw try await replayed(codeID, grant: grant.id!) }
        return issued
    }

    /// RFC 6749 §4.1.2: a code used twice is refused, and what it issued is revoked.
    private func replayed(_ codeID: UUID, grant: UUID) async throws -> OAuthError {
        try await OAuthToken.query(on: database).filter(\.$codeID == codeID).set(\.$revokedAt, to: now).update()
        callers.forget(.grant(grant))
        let error = OAuthError.invalidGrant("The authorization code was already used; the tokens it issued are revoked.")
        guard let workspace = try await OAuthGrant.find(grant, on: database)?.$organization.id else { return error }
        return error.revoking(in: workspace, because: "authorization_code_replayed")
    }

    /// refresh_token: rotates; presenting a rotated token again revokes the whole grant.
    func refresh(_ token: String, clientID: String, resource: String?) async throws -> Issued {
        guard let row = try await OAuthToken.query(on: database).filter(\.$tokenHash == SecretToken.sha256(token)).filter(\.$kind == "refresh").first(),
              let grant = try await OAuthGrant.find(row.$grant.id, on: database)
        else { throw OAuthError.invalidGrant("The refresh token is unknown.") }
        guard grant.clientID == clientID else { throw OAuthError.invalidGrant("The refresh token belongs to another client.") }
        if row.usedAt != nil {
            try await revoke(grant: grant)
            throw Self.reused.revoking(in: grant.$organization.id, because: "refresh_token_reused")
        }
        guard row.revokedAt == nil, grant.revokedAt == nil else { throw OAuthError.invalidGrant("The refresh token was revoked.") }
        guard row.expiresAt > now else { throw OAuthError.invalidGrant("The refresh token has expired.") }
        if let resource, resource != row.resource { throw OAuthError("invalid_target", "resource does not match the grant.") }
        try await requireMembership(grant)
        // One conditional update claims the token: of two requests racing with the same
        // refresh token, the second is a reuse and revokes the grant like any other.
        guard try await database.markOnce(OAuthToken.self, "used_at", id: row.id!, now: now) else {
            try await revoke(grant: grant)
            throw Self.reused.revoking(in: grant.$organization.id, because: "refresh_token_reused")
        }
        return try await issue(grant: grant, resource: row.resource, codeID: row.codeID)
    }

    private static let reused = OAuthError.invalidGrant("This refresh token was already used; the grant is revoked. Sign in again.")

    /// A grant outlives nobody's membership: when the person left the workspace by any
    /// path, the grant is revoked here and the exchange refused.
    private func requireMembership(_ grant: OAuthGrant) async throws {
        guard try await isMember(grant) else {
            try await revoke(grant: grant)
            throw OAuthError.invalidGrant("The person who gave this consent is no longer a member of the workspace.")
                .revoking(in: grant.$organization.id, because: "member_left")
        }
    }

    func revoke(grant: OAuthGrant) async throws {
        grant.revokedAt = now
        try await grant.save(on: database)
        try await OAuthToken.query(on: database).filter(\.$grant.$id == grant.id!).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
        callers.forget(.grant(grant.id!))
    }

    /// A person revokes one of their own grants (Settings → Connected apps), audited.
    func revoke(grant id: UUID?, of current: CurrentUser, audit: AuditLog) async throws {
        guard let id, let grant = try await OAuthGrant.find(id, on: database), grant.$user.id == current.user.id else {
            throw APIError(.notFound, "not_found", "There is no such connected app.")
        }
        try await revoke(grant: grant)
        try await audit.record("oauth.grant_revoked", organization: grant.$organization.id, actor: current.user.id,
                               resourceType: "server", resourceID: grant.$server.id.uuidString, metadata: ["client": grant.clientID])
    }

    enum Revocation: Equatable {
        /// Revoked, in this workspace.
        case revoked(workspace: UUID)
        /// Not a token of ours; RFC 7009 §2.2 answers 200 all the same.
        case unknown
        /// Issued to another client: left alone (RFC 7009 §2.1).
        case otherClient
    }

    /// RFC 7009: a token of ours issued to `clientID` is revoked; a refresh token takes its grant with it.
    func revoke(token: String, clientID: String) async throws -> Revocation {
        guard let row = try await OAuthToken.query(on: database).filter(\.$tokenHash == SecretToken.sha256(token)).first(),
              let grant = try await OAuthGrant.find(row.$grant.id, on: database)
        else { return .unknown }
        guard grant.clientID == clientID else { return .otherClient }
        if row.kind == "refresh" {
            try await revoke(grant: grant)
        } else {
            row.revokedAt = now
            try await row.save(on: database)
            callers.forget(.token(hash: row.tokenHash))
        }
        return .revoked(workspace: grant.$organization.id)
    }

    /// What `caller(accessToken:resource:)` reads; the index test plans this same statement.
    static func accessCallerQuery(tokenHash: String) -> SQLQueryString {
        """
        SELECT k.resource, k.scope, k.expires_at, k.revoked_at, g.id AS grant_id, g.revoked_at AS grant_revoked_at,
               g.last_used_at, g.user_id, g.organization_id, o.suspended_at
        FROM oauth_tokens k JOIN oauth_grants g ON g.id = k.grant_id JOIN organizations o ON o.id = g.organization_id
        JOIN memberships m ON m.user_id = g.user_id AND m.organization_id = g.organization_id
        WHERE k.token_hash = \(bind: tokenHash) AND k.kind = 'access'
        """
    }

    /// Who an access token speaks for on `resource` (its RFC 8707 audience), or nil when it is
    /// unknown, expired, revoked, for another server, its grant was revoked, or its person is no
    /// longer a member of the grant's workspace (SECURITY.md 37). One query: the
    /// MCP endpoint asks once its `CallerCache` entry is a second old.
    func caller(accessToken: String, resource: String) async throws -> BearerCaller? {
        guard let sql = database as? any SQLDatabase,
              let row = try await sql.raw(Self.accessCallerQuery(tokenHash: SecretToken.sha256(accessToken))).first(),
              try row.decode(column: "revoked_at", as: Date?.self) == nil,
              try row.decode(column: "grant_revoked_at", as: Date?.self) == nil,
              try row.decode(column: "expires_at", as: Date.self) > now,
              try row.decode(column: "resource", as: String.self) == resource
        else { return nil }
        let lastUsed = try row.decode(column: "last_used_at", as: Date?.self)
        if lastUsed.map({ now.timeIntervalSince($0) >= SessionService.touchInterval }) ?? true {
            try await sql.raw("UPDATE oauth_grants SET last_used_at = \(bind: now) WHERE id = \(bind: try row.decode(column: "grant_id", as: UUID.self))").run()
        }
        return BearerCaller(userID: try row.decode(column: "user_id", as: UUID.self),
                            organizationID: try row.decode(column: "organization_id", as: UUID.self),
                            organizationSuspended: try row.decode(column: "suspended_at", as: Date?.self) != nil,
                            scope: try row.decode(column: "scope", as: String.self),
                            grantID: try row.decode(column: "grant_id", as: UUID.self),
                            expiresAt: try row.decode(column: "expires_at", as: Date.self))
    }

    private func issue(grant: OAuthGrant, resource: String, codeID: UUID?, on database: (any Database)? = nil) async throws -> Issued {
        let database = database ?? self.database
        let access = "bmmoa_" + random.token()
        let refresh = "bmmor_" + random.token()
        for (secret, kind, lifetime) in [(access, "access", Self.accessLifetime), (refresh, "refresh", Self.refreshLifetime)] {
            let row = OAuthToken()
            row.tokenHash = SecretToken.sha256(secret)
            row.kind = kind
            row.$grant.id = grant.id!
            row.codeID = codeID
            row.resource = resource
            row.scope = grant.scope
            row.createdAt = now
            row.expiresAt = now.addingTimeInterval(lifetime)
            try await row.create(on: database)
        }
        return Issued(access_token: access, token_type: "Bearer", expires_in: Int(Self.accessLifetime), refresh_token: refresh, scope: grant.scope)
    }

    /// BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2).
    static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension Request {
    func oauthTokens() -> OAuthTokenService {
        OAuthTokenService(database: db, now: application.clock.now(), random: application.random, callers: application.callers)
    }
}
