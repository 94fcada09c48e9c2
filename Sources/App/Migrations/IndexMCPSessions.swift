import Fluent
import SQLKit

/// 2025-era MCP sessions are now bounded: each person keeps at most `MCPSessionEndpoint.sessionsPerCaller` per
/// server (the oldest go first) and one idle for a day is deleted. Both read sessions by owner and age.
struct IndexMCPSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "mcp_sessions_owner").on("mcp_sessions").column("server_id").column("user_id").column("last_seen_at").run()
        try await sql.create(index: "mcp_sessions_seen").on("mcp_sessions").column("last_seen_at").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "mcp_sessions_seen").run()
        try await sql.drop(index: "mcp_sessions_owner").run()
    }
}
