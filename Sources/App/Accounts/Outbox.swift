import Fluent
import Foundation
import Messaging

/// Default delivery: messages are stored, not sent, and shown at `/dev/outbox`
/// in development. Lets a self-hoster (and the tests) sign in with no mail or SMS
/// account.
struct OutboxMailer: Mailer {
    let database: @Sendable () -> any Database
    let clock: AppClock

    func send(_ message: EmailMessage) async throws(DeliveryError) {
        do {
            try await OutboxMessage(channel: "email", recipient: message.to, subject: message.subject, body: message.text, now: clock.now())
                .create(on: database())
        } catch {
            throw .unavailable(status: nil)
        }
    }
}

struct OutboxSMSSender: SMSSender {
    let database: @Sendable () -> any Database
    let clock: AppClock

    func send(_ message: SMSMessage) async throws(DeliveryError) {
        do {
            try await OutboxMessage(channel: "sms", recipient: message.to, subject: nil, body: message.body, now: clock.now())
                .create(on: database())
        } catch {
            throw .unavailable(status: nil)
        }
    }
}
