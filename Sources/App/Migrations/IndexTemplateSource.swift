import Fluent
import SQLKit

/// A server is published once (later code becomes new versions): the unique index settles
/// two publishes of one server racing past the look-up. Templates whose source server was
/// deleted keep a NULL, which a unique index allows many times on both databases.
struct IndexTemplateSource: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "templates_source_server").unique().on("templates").column("source_server_id").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "templates_source_server").run()
    }
}
