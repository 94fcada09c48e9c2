import Fluent
import SQLiteNIO

extension Database {
    /// A transaction that reads, then writes. On SQLite in WAL mode such a transaction
    /// starts as a reader, and if another connection commits before its first write it
    /// cannot upgrade: SQLite answers SQLITE_BUSY_SNAPSHOT at once, without waiting (the
    /// busy timeout does not apply). The transaction has been rolled back by then, so it is
    /// run again on a fresh snapshot, a few times. `body` must only touch the database.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await transaction(body)
            } catch let error as SQLiteError where error.reason == .busyInSnapshot && attempt < 4 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(5 * attempt))
            }
        }
    }
}
