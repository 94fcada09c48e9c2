import Fluent

struct CreateDrafts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("drafts")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("prompt_hash", .string, .required)
            .field("prompt", .string, .required)
            .field("model", .string, .required)
            .field("drafter", .string, .required)
            .field("spec_json", .string, .required)
            .field("edited_spec_json", .string)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("drafts").delete()
    }
}
