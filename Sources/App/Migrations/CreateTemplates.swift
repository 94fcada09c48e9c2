import Fluent

/// The marketplace: templates, their immutable versions and the reports people file
/// against them. Templates are never deleted (a takedown keeps the record so forks can
/// be told why they stopped), so references to them only ever become null by hand.
struct CreateTemplates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("templates")
            .id()
            .field("slug", .string, .required)
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("author_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("source_server_id", .uuid, .references("servers", "id", onDelete: .setNull))
            .field("title", .string, .required)
            .field("category", .string, .required)
            .field("summary", .string, .required)
            .field("description_markdown", .string, .required)
            .field("secret_hints_json", .string, .required)
            .field("status", .string, .required)
            .field("verified", .bool, .required)
            .field("takedown_reason", .string)
            .field("taken_down_at", .datetime)
            .field("reviewed_at", .datetime)
            .field("forks", .int, .required)
            .field("latest_version", .int, .required)
            .field("tool_names", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "slug")
            .create()
        try await database.schema("template_versions")
            .id()
            .field("template_id", .uuid, .required, .references("templates", "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("spec_json", .string, .required)
            .field("source_version_number", .int)
            .field("created_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "template_id", "number")
            .create()
        try await database.schema("template_reports")
            .id()
            .field("template_id", .uuid, .required, .references("templates", "id", onDelete: .cascade))
            .field("reporter_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("reason", .string, .required)
            .field("text", .string, .required)
            .field("created_at", .datetime, .required)
            .field("resolved_at", .datetime)
            .unique(on: "template_id", "reporter_id")
            .create()
        // Plain columns, like `active_version_id`: SQLite cannot add a column with a
        // foreign-key constraint to an existing table, and templates are never deleted.
        try await database.schema("servers")
            .field("template_id", .uuid)
            .update()
        try await database.schema("servers")
            .field("template_version_id", .uuid)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("servers").deleteField("template_version_id").update()
        try await database.schema("servers").deleteField("template_id").update()
        for table in ["template_reports", "template_versions", "templates"] {
            try await database.schema(table).delete()
        }
    }
}
