import Fluent
import Foundation

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
