import Fluent

/// A pending change of a person's sign-in email: the confirmation link sent to the new address.
struct CreateEmailChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("email_changes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("email", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("email_changes").delete()
    }
}
