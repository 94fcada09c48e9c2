import Fluent
import Foundation

/// An invitation to join an organization, sent by email. Its link signs nobody in:
/// the invitee signs in as the invited address, then accepts. Single use, 72 hours.
final class Invitation: Model, @unchecked Sendable {
    static let schema = "invitations"
    static let lifetime: TimeInterval = 72 * 3600

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

extension Invitation {
    /// How an invitation names its sender: the chosen display name and the verified
    /// address they sign in with (the phone number for people who sign in by SMS).
    static func inviterLabel(_ user: User) -> String {
        guard let contact = user.email ?? user.phone else { return user.displayName }
        return "\(user.displayName) (\(contact))"
    }
}
