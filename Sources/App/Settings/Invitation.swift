import Fluent
import Foundation

/// An invitation to join an organization, sent by email and accepted through its
/// link (which proves the address, like a magic link). Single use, 7 days.
final class Invitation: Model, @unchecked Sendable {
    static let schema = "invitations"
    static let lifetime: TimeInterval = 7 * 24 * 3600

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @OptionalParent(key: "invited_by") var invitedBy: User?
    @Field(key: "email") var email: String
    @Field(key: "role") var role: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?

    init() {}
}
