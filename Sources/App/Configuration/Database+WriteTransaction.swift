import Fluent
import SQLiteNIO

extension Database {
    /// A transaction that reads, then writes. On SQLite in WAL mode such a transaction
    /// starts as a reader, and if another connection commits before its first write it
    /// cannot upgrade: SQLite answers SQLITE_BUSY_SNAPSHOT at once, without waiting (the
    /// busy timeout does not apply). The transaction has been rolled back by then, so it is
    /// run again on a fresh snapshot, a few times. The same holds for a plain SQLITE_BUSY that
    /// comes back at once: SQLite refuses a reader's upgrade while another connection writes,
    /// without waiting, since waiting could deadlock. A BUSY that took the whole busy timeout
    /// is not retried: that writer is stuck, and the request answers 503 `database_busy`.
    /// `body` must only touch the database.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            let started = ContinuousClock.now
            do {
                return try await transaction(body)
            } catch let error as SQLiteError where attempt < 4 && Self.isImmediateConflict(error, after: ContinuousClock.now - started) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(5 * attempt))
            }
        }
    }

    private static func isImmediateConflict(_ error: SQLiteError, after elapsed: Duration) -> Bool {
        switch error.reason {
        case .busyInSnapshot: true
        case .busy: elapsed < .milliseconds(500)
        default: false
        }
    }
}
