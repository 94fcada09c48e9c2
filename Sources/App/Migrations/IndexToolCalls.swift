import Fluent
import SQLKit

/// The call log grows with every tool call and is read per server by time (the live
/// tail, the server page's recent calls, the list's sparklines); without this index
/// each of those reads scans every call ever recorded.
struct IndexToolCalls: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "tool_calls_server_at").on("tool_calls").column("server_id").column("at").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "tool_calls_server_at").run()
    }
}
