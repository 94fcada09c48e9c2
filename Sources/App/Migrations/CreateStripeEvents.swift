import Fluent

/// Every Stripe webhook event applied, keyed by Stripe's event id and written in the same transaction as the
/// event's effect: a second delivery finds its id and changes nothing; a failed handler leaves no id behind,
/// so Stripe's retry applies it.
struct CreateStripeEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("stripe_events")
            .field("id", .string, .identifier(auto: false))
            .field("type", .string, .required)
            .field("created", .int64, .required)
            .field("received_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("stripe_events").delete()
    }
}
