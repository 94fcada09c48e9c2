import Fluent
import SQLKit

/// Pruning the call log (`CallLogPruning`) deletes every server's calls older than a
/// cutoff; without an index on the time alone each of its batches scans the whole log.
/// Calls arrive in time order, so the index only ever grows at its end.
struct IndexToolCallsByTime: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "tool_calls_at").on("tool_calls").column("at").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "tool_calls_at").run()
    }
}
