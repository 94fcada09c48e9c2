import Fluent

struct CreateServers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("servers")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("created_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("name", .string, .required)
            .field("slug", .string, .required)
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("spec_json", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "organization_id", "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("servers").delete()
    }
}
