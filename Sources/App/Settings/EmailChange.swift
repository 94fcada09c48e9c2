import Fluent
import Foundation

/// A requested change of sign-in email: its link goes to the new address, so following it proves the person
/// reads that mailbox. Stored hashed, single use, one hour.
final class EmailChange: Model, @unchecked Sendable {
    static let schema = "email_changes"
    static let lifetime: TimeInterval = 3600

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    /// The new address, normalized.
    @Field(key: "email") var email: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?

    init() {}

    init(userID: UUID, email: String, tokenHash: String, now: Date) {
        self.$user.id = userID
        self.email = email
        self.tokenHash = tokenHash
        self.createdAt = now
        self.expiresAt = now.addingTimeInterval(Self.lifetime)
    }
}
