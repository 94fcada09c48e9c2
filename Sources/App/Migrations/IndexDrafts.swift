import Fluent
import SQLKit

/// The draft store is read by (organization, prompt hash, model) on every preview.
struct IndexDrafts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "drafts_lookup").on("drafts").column("organization_id").column("prompt_hash").column("model").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "drafts_lookup").run()
    }
}
