import Fluent

/// A workspace's Stripe customer and subscription, one row per workspace that ever opened Checkout.
/// `state_event_created` is the Stripe `created` time of the newest event applied to the subscription's
/// state, so an older delivery arriving late never overwrites newer state.
struct CreateSubscriptions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("subscriptions")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("stripe_customer_id", .string, .required)
            .field("stripe_subscription_id", .string)
            .field("plan", .string)
            .field("billing_interval", .string)
            .field("status", .string)
            .field("cancel_at_period_end", .bool, .required)
            .field("current_period_start", .datetime)
            .field("current_period_end", .datetime)
            .field("state_event_created", .int64)
            .field("failed_payment_attempts", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "organization_id")
            .unique(on: "stripe_customer_id")
            .unique(on: "stripe_subscription_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("subscriptions").delete()
    }
}
