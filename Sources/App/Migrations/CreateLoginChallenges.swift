import Fluent

struct CreateLoginChallenges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_challenges")
            .id()
            .field("channel", .string, .required)
            .field("target", .string, .required)
            .field("secret_hash", .string, .required)
            .field("attempt_hash", .string, .required)
            .field("failed_attempts", .int, .required, .sql(.default(0)))
            .field("expires_at", .datetime, .required)
            .field("consumed_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "secret_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_challenges").delete()
    }
}
