import Fluent

/// What billing changes on a workspace: an administrator's plan override (wins over Stripe and the default
/// plan), the moment failed payments suspended creation and builds, and the start of the current quota period
/// (set by each paid renewal; `nil` means the calendar month).
struct AddOrganizationBilling: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await database.schema("organizations").field("plan_override", .string).update()
        try await database.schema("organizations").field("billing_suspended_at", .datetime).update()
        try await database.schema("organizations").field("quota_period_start", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["quota_period_start", "billing_suspended_at", "plan_override"] {
            try await database.schema("organizations").deleteField(.string(field)).update()
        }
    }
}
