import Fluent
import Foundation
import Messaging
import SQLKit

/// The database side of the mail queue. A change enqueues its emails inside its own transaction; a sender
/// claims one due email per attempt and settles it afterwards. Several instances send from one queue: a claim is
/// one conditional UPDATE that moves the email's next attempt past a lease (PostgreSQL skips a row another claim
/// holds; SQLite has one writer), so an email is with one sender at a time, and an email whose sender died
/// mid-attempt is tried again when the lease ends. Delivery is at least once: a sender that dies after the
/// provider accepted but before the delete sends that email again.
struct MailQueue: Sendable {
    let database: any Database
    let now: Date

    /// Longer than any provider's request timeout (10 s), so a live sender settles before another may claim.
    static let lease: TimeInterval = 120
    /// How long an email given up on stays for the operator to find (`queued_emails`), then it is deleted.
    static let keepsGivenUp: TimeInterval = 7 * 86_400

    func enqueue(_ messages: [EmailMessage]) async throws {
        for message in messages {
            try await QueuedEmail(message, now: now).create(on: database)
        }
    }

    /// The next due email, claimed for one attempt, or nil when none is due.
    func claimNext() async throws -> QueuedEmail? {
        guard let sql = database as? any SQLDatabase else { return nil }
        // An idle pass only reads: on SQLite every write competes with requests for the single writer lock.
        guard try await QueuedEmail.query(on: database).filter(\.$givenUpAt == nil).filter(\.$nextAttemptAt <= now).first() != nil else {
            return nil
        }
        let skipLocked = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let row = try await sql.raw("""
            UPDATE queued_emails SET attempts = attempts + 1, next_attempt_at = \(bind: now.addingTimeInterval(Self.lease))
            WHERE id = (SELECT id FROM queued_emails WHERE given_up_at IS NULL AND next_attempt_at <= \(bind: now)
                        ORDER BY next_attempt_at LIMIT 1\(unsafeRaw: skipLocked))
            AND given_up_at IS NULL AND next_attempt_at <= \(bind: now)
            RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: UUID.self) else { return nil }
        return try await QueuedEmail.find(id, on: database)
    }

    /// The provider accepted it: nothing of it is kept.
    func delivered(_ email: QueuedEmail) async throws {
        try await email.delete(on: database)
    }

    /// An attempt failed: try again at `retryAt`, or never (nil).
    func failed(_ email: QueuedEmail, _ error: DeliveryError, retryAt: Date?) async throws {
        email.lastFailure = error.description
        if let retryAt {
            email.nextAttemptAt = retryAt
        } else {
            email.givenUpAt = now
        }
        try await email.save(on: database)
    }

    /// Deletes emails given up on more than `keepsGivenUp` ago; returns how many.
    @discardableResult
    func pruneGivenUp() async throws -> Int {
        let old = QueuedEmail.query(on: database).filter(\.$givenUpAt < now.addingTimeInterval(-Self.keepsGivenUp))
        let count = try await old.copy().count()
        if count > 0 { try await old.delete() }
        return count
    }

    /// Emails not yet sent and not given up on (`/metrics`, the tests).
    func waiting() async throws -> Int {
        try await QueuedEmail.query(on: database).filter(\.$givenUpAt == nil).count()
    }
}

/// When a failed email is tried again. A provider that is down, throttling, or refusing our credentials or account
/// (which the operator can fix) gets about fifteen hours; a message the provider refused as such (an invalid or
/// suppressed address, a 4xx besides those) is not sent again, because the same message would be refused again.
enum MailRetry {
    /// The pause after the first, second, … failed attempt; after the last, the email is given up on.
    static let delays: [TimeInterval] = [30, 120, 600, 1_800, 3_600, 7_200, 14_400, 28_800]

    static func next(after error: DeliveryError, attempts: Int, now: Date) -> Date? {
        if case .rejected(let status, _) = error, status != 401, status != 403 {
            return nil
        }
        guard attempts >= 1, attempts <= delays.count else { return nil }
        return now.addingTimeInterval(delays[attempts - 1])
    }
}
