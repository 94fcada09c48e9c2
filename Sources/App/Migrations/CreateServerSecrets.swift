import Fluent

struct CreateServerSecrets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("server_secrets")
            .id()
            .field("server_id", .uuid, .required, .references("servers", "id", onDelete: .cascade))
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("key", .string, .required)
            .field("sealed", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "server_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("server_secrets").delete()
    }
}
