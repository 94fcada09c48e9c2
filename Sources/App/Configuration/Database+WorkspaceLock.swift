import Fluent
import Foundation
import SQLKit

extension Database {
    /// Serialises this transaction with every other that locks the same workspace, so a plan
    /// limit counted here still holds when the transaction commits: twenty concurrent creations
    /// against a limit of two create two. Call it first inside `writeTransaction`. PostgreSQL
    /// locks the workspace's row until the transaction ends (`FOR UPDATE`); on SQLite the
    /// transaction already holds the only writer lock from its `BEGIN IMMEDIATE`.
    func lockWorkspace(_ id: UUID) async throws {
        guard let sql = self as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT id FROM \(ident: Organization.schema) WHERE id = \(bind: id) FOR UPDATE").run()
    }
}
