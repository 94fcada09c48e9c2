import Fluent
import Foundation
import SQLKit

extension Database {
    /// Serialises this transaction with every other that locks the same workspace, so a plan
    /// limit counted here still holds when the transaction commits: twenty concurrent creations
    /// against a limit of two create two. Call it first inside `writeTransaction`.
    /// A workspace deleted meanwhile (its account deleted while this request ran) is 401: the session or token
    /// that made the request ended with it, and the write would fail on its foreign keys (once reported as a
    /// slug that was taken).
    func lockWorkspace(_ id: UUID) async throws {
        guard try await lockRow(of: Organization.schema, id: id) || !(self is any SQLDatabase) else {
            throw APIError(.unauthorized, "unauthorized", "This workspace no longer exists: it was deleted while this request was made. Nothing was changed.")
        }
    }

    /// Whether row `id` of `table` exists, locking it until the transaction ends: on PostgreSQL `FOR UPDATE`
    /// (or `FOR SHARE` when `shared`, which only waits for and holds off exclusive locks); on SQLite the
    /// transaction already holds the only writer lock from its `BEGIN IMMEDIATE`. Call it inside `writeTransaction`.
    func lockRow(of table: String, id: UUID, shared: Bool = false) async throws -> Bool {
        guard let sql = self as? any SQLDatabase else { return false }
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? (shared ? " FOR SHARE" : " FOR UPDATE") : ""
        return try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id)\(lock)").first() != nil
    }
}
