import Fluent
import Foundation
import SQLKit

extension Database {
    /// Sets `column` of `model`'s row `id` to `now` if it is still empty, in one conditional statement, and says
    /// whether this call was the one that set it. How everything single-use (sign-in links, OAuth codes and refresh
    /// tokens, invitations, email confirmations) is used exactly once when two requests race with it.
    func markOnce<M: Model>(_ model: M.Type, _ column: String, id: UUID, now: Date) async throws -> Bool {
        guard let sql = self as? any SQLDatabase else { return false }
        return try await sql.raw("""
            UPDATE \(ident: M.schema) SET \(ident: column) = \(bind: now) WHERE id = \(bind: id) AND \(ident: column) IS NULL RETURNING id
            """).first() != nil
    }
}
