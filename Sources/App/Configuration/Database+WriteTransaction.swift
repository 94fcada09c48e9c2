import Fluent
import SQLKit
import SQLiteNIO

extension Database {
    /// A transaction that reads, then writes.
    ///
    /// On SQLite it begins `IMMEDIATE`: it takes the single writer lock first, waiting up to
    /// the busy timeout for it. Fluent's own transaction begins deferred, as a reader, and a
    /// reader whose snapshot another connection has written past cannot upgrade: SQLite
    /// answers SQLITE_BUSY_SNAPSHOT at once, without waiting. Under many concurrent server
    /// creations that came back more often than any bounded retry absorbs (a build failed in
    /// the benchmark), so the lock is taken before the first read instead. Readers outside
    /// transactions are not held up: WAL lets them read while this writes.
    ///
    /// A plain SQLITE_BUSY that comes back at once is still retried a few times on a fresh
    /// transaction. A BUSY that took the whole busy timeout is not: that writer is stuck,
    /// and the request answers 503 `database_busy`. `body` must only touch the database.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if inTransaction || ImmediateTransaction.isOpen { return try await body(self) }
        var attempt = 0
        while true {
            let started = ContinuousClock.now
            do {
                if let sql = self as? any SQLDatabase, sql.dialect.name == "sqlite" {
                    return try await immediateTransaction(body)
                }
                return try await transaction(body)
            } catch let error as SQLiteError where attempt < 4 && Self.isImmediateConflict(error, after: ContinuousClock.now - started) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(5 * attempt))
            }
        }
    }

    /// `BEGIN IMMEDIATE … COMMIT` on one pooled connection. Fluent's `inTransaction` is
    /// false on that connection, so a `writeTransaction` nested in `body` learns from the
    /// task-local flag that it already runs inside one.
    private func immediateTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await withConnection { connection in
            let sql = connection as! any SQLDatabase
            try await sql.raw("BEGIN IMMEDIATE TRANSACTION").run()
            do {
                let result = try await ImmediateTransaction.$isOpen.withValue(true) { try await body(connection) }
                try await sql.raw("COMMIT TRANSACTION").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK TRANSACTION").run()
                throw error
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

private enum ImmediateTransaction {
    @TaskLocal static var isOpen = false
}
