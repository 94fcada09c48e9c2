import Fluent
import Foundation

/// One sign-in attempt: a magic link or an SMS code, stored hashed, bound to the
/// browser that asked for it (`attemptHash`), single use, short-lived.
final class LoginChallenge: Model, @unchecked Sendable {
    static let schema = "login_challenges"

    enum Channel: String, Sendable {
        case email, sms
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "channel") var channel: String
    /// Normalized email or E.164 phone number.
    @Field(key: "target") var target: String
    @Field(key: "secret_hash") var secretHash: String
    @Field(key: "attempt_hash") var attemptHash: String
    /// Tries at an SMS code so far, counted before each comparison (the right code's try
    /// included); the column keeps its first name.
    @Field(key: "failed_attempts") var failedAttempts: Int
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "consumed_at") var consumedAt: Date?
    /// The local path to continue to once signed in; never part of the message sent.
    @OptionalField(key: "next") var next: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(id: UUID = UUID(), channel: Channel, target: String, secretHash: String, attemptHash: String, next: String? = nil,
         now: Date, expiresAt: Date) {
        self.id = id
        self.channel = channel.rawValue
        self.target = target
        self.secretHash = secretHash
        self.attemptHash = attemptHash
        self.next = next
        self.failedAttempts = 0
        self.expiresAt = expiresAt
        self.createdAt = now
    }
}
