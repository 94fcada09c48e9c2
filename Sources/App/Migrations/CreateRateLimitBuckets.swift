import Fluent

/// Fixed-window counters kept in the database so every app instance shares them.
struct CreateRateLimitBuckets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("rate_limit_buckets")
            .field("key", .string, .identifier(auto: false))
            .field("window_start", .datetime, .required)
            .field("count", .int, .required)
            .field("expires_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rate_limit_buckets").delete()
    }
}
