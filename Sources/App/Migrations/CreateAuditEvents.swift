import Fluent

struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .id()
            .field("organization_id", .uuid)
            .field("actor_user_id", .uuid)
            .field("action", .string, .required)
            .field("resource_type", .string)
            .field("resource_id", .string)
            .field("ip", .string)
            .field("user_agent", .string)
            .field("metadata", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
    }
}
