import Fluent
import SQLKit

/// Marks events whose actor deleted their account (`AccountDeletion` clears the actor's id):
/// the log then says "Deleted account" rather than "System", without keeping who it was.
struct AddAuditActorDeleted: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .field("actor_deleted", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").deleteField("actor_deleted").update()
    }
}
