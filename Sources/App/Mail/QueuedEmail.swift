import Fluent
import Foundation
import Messaging

/// An email waiting to be sent (or, with `givenUpAt`, one that will not be). Written in the transaction of the
/// change it tells about, so a rolled-back change sends nothing and a committed one is not lost when the mail
/// provider is down at that moment. The row is deleted once the provider accepts the message.
final class QueuedEmail: Model, @unchecked Sendable {
    static let schema = "queued_emails"

    @ID(key: .id) var id: UUID?
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date
    /// Attempts started, counted when a sender claims the row.
    @Field(key: "attempts") var attempts: Int
    /// When the next attempt may start; while an attempt runs, the end of its lease.
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    /// The last failure as `DeliveryError` describes it: a status and the provider's code, never the recipient.
    @OptionalField(key: "last_failure") var lastFailure: String?
    @OptionalField(key: "given_up_at") var givenUpAt: Date?

    init() {}

    init(_ message: EmailMessage, now: Date) {
        self.id = UUID()
        self.recipient = message.to
        self.subject = message.subject
        self.body = message.text
        self.createdAt = now
        self.attempts = 0
        self.nextAttemptAt = now
    }

    var message: EmailMessage {
        EmailMessage(to: recipient, subject: subject, text: body, idempotencyKey: id?.uuidString.lowercased())
    }
}
