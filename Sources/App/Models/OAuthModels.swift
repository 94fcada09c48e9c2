import Fluent
import Foundation

/// A client that registered (RFC 7591) or identified itself by a metadata
/// document URL. Public clients only: PKCE replaces a client secret.
final class OAuthClient: Model, @unchecked Sendable {
    static let schema = "oauth_clients"

    @ID(key: .id) var id: UUID?
    @Field(key: "client_id") var clientID: String
    @Field(key: "client_name") var clientName: String
    /// JSON array of the exact redirect URIs.
    @Field(key: "redirect_uris") var redirectURIsJSON: String
    /// `dcr` (registered here) or `cimd` (metadata document at `client_id`).
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_used_at") var lastUsedAt: Date

    init() {}

    var redirectURIs: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(redirectURIsJSON.utf8))) ?? []
    }
}

/// A person's consent for one client on one server: what refresh tokens hang on,
/// and what "Connected apps" lists and revokes.
final class OAuthGrant: Model, @unchecked Sendable {
    static let schema = "oauth_grants"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Parent(key: "organization_id") var organization: Organization
    @Parent(key: "server_id") var server: HostedServer
    @Field(key: "client_id") var clientID: String
    @Field(key: "scope") var scope: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}

/// A one-time authorization code, stored hashed, bound to client, redirect URI,
/// resource and PKCE challenge.
final class OAuthCode: Model, @unchecked Sendable {
    static let schema = "oauth_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "code_hash") var codeHash: String
    @Parent(key: "grant_id") var grant: OAuthGrant
    @Field(key: "client_id") var clientID: String
    @Field(key: "redirect_uri") var redirectURI: String
    @Field(key: "code_challenge") var codeChallenge: String
    @Field(key: "resource") var resource: String
    @Field(key: "scope") var scope: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

/// An access or refresh token, stored hashed, audience-bound to one server.
final class OAuthToken: Model, @unchecked Sendable {
    static let schema = "oauth_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    /// `access` or `refresh`.
    @Field(key: "kind") var kind: String
    @Parent(key: "grant_id") var grant: OAuthGrant
    @OptionalField(key: "code_id") var codeID: UUID?
    @Field(key: "resource") var resource: String
    @Field(key: "scope") var scope: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    /// Refresh tokens: set when rotated; a second use is reuse.
    @OptionalField(key: "used_at") var usedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}
