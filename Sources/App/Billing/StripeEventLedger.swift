import Billing
import Fluent
import Foundation
import Vapor

/// Applies each Stripe event at most once: the event id (`stripe_events`, primary key) is written in the same
/// transaction as the event's effect. A delivery whose id is already stored changes nothing; a handler that
/// throws rolls back its effect and the id together, so Stripe's retry applies it.
struct StripeEventLedger: Sendable {
    let database: any Database
    let now: Date
    let logger: Logger

    enum Outcome: Sendable {
        case applied(StripeEventEffect)
        case duplicate

        var name: String {
            switch self {
            case .applied(let effect): effect.changed ? "applied" : "ignored"
            case .duplicate: "duplicate"
            }
        }
    }

    func apply(
        _ event: StripeEvent, _ handle: @escaping @Sendable (any Database) async throws -> StripeEventEffect
    ) async throws -> Outcome {
        do {
            return try await database.writeTransaction { database in
                if try await StripeEventRecord.find(event.id, on: database) != nil { return .duplicate }
                // Written first: on PostgreSQL a concurrent delivery of the same event waits on this row's unique
                // index until this transaction ends, so the effect never runs twice at once.
                try await StripeEventRecord(id: event.id, type: event.type, created: Int64(event.created), receivedAt: now)
                    .create(on: database)
                return .applied(try await handle(database))
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // PostgreSQL aborts the whole transaction on the violation, so the check runs after the rollback: if
            // the id is stored now, a concurrent delivery of this event committed first.
            if try await StripeEventRecord.find(event.id, on: database) != nil {
                logger.info("stripe webhook \(event.id): a concurrent delivery applied it first")
                return .duplicate
            }
            throw error
        }
    }
}

/// What an applied event changed, and the emails it owes; the webhook queues them in the event's transaction
/// (`MailQueue`), so they are sent only if it commits.
struct StripeEventEffect: Sendable {
    var changed = false
    var notices: [PaymentFailedNotice] = []

    static let none = StripeEventEffect()
}
