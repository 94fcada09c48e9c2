import Fluent
import Foundation

/// A signed-in browser. Only the SHA-256 of the cookie value is stored, so a
/// database leak does not hand out live sessions.
final class Session: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: User
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "ip") var ip: String?
    @OptionalField(key: "user_agent") var userAgent: String?

    init() {}

    init(tokenHash: String, userID: UUID, organizationID: UUID, now: Date, expiresAt: Date, ip: String?, userAgent: String?) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.$organization.id = organizationID
        self.createdAt = now
        self.lastSeenAt = now
        self.expiresAt = expiresAt
        self.ip = ip
        self.userAgent = userAgent
    }
}
