import Fluent
import Foundation

/// A message the default (development) delivery kept instead of sending, shown at
/// `/dev/outbox` so a person or a test can follow sign-in links.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox_messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "channel") var channel: String
    @Field(key: "recipient") var recipient: String
    @OptionalField(key: "subject") var subject: String?
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(channel: String, recipient: String, subject: String?, body: String, now: Date) {
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.createdAt = now
    }
}
