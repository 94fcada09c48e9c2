import Fluent

struct CreateUsageCounters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("usage_counters")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("kind", .string, .required)
            .field("count", .int, .required)
            .unique(on: "organization_id", "day", "kind")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("usage_counters").delete()
    }
}
