import Fluent

/// The lease on a running build: its runner writes `heartbeat_at` every few seconds, so
/// a build whose process died is recognised by its silence, not by a restart that might
/// belong to another instance.
struct AddBuildHeartbeat: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("builds")
            .field("heartbeat_at", .datetime)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("builds").deleteField("heartbeat_at").update()
    }
}
