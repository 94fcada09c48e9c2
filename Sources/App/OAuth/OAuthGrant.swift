import Fluent
import Foundation

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
