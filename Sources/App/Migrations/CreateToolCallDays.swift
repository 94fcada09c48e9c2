import Fluent
import SQLKit

/// The call log rolled up per server and UTC day, written with each batch of calls: monthly tool-call quotas
/// and usage read a few rows here instead of counting the call log. A deleted server's days stay with its
/// workspace (its calls were made and count against the period).
struct CreateToolCallDays: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tool_call_days")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("server_id", .uuid, .references("servers", "id", onDelete: .setNull))
            .field("day", .string, .required)
            .field("calls", .int64, .required)
            .field("errors", .int64, .required)
            .unique(on: "server_id", "day")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "tool_call_days_organization_day").on("tool_call_days")
            .column("organization_id").column("day").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tool_call_days").delete()
    }
}
