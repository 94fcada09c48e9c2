import Foundation
import SQLKit

/// Reads `context_changes` (see `CreateContextChanges`) from where it last stopped. Every change
/// committed before a `poll` began is returned by that poll or an earlier one, and none is
/// skipped, so a cache that applies each poll's changes before trusting its entries as of the
/// poll's start never answers from an entry a committed change made stale. One reader per
/// instance; it is not shared between tasks.
struct ContextChangeFeed {
    struct Changes: Sendable, Equatable {
        var servers: Set<UUID> = []
        var organizations: Set<UUID> = []
        /// More changes arrived than one poll reads: the reader of the feed cannot tell which
        /// servers they were, so it must treat every server as changed.
        var overflowed = false

        var isEmpty: Bool { servers.isEmpty && organizations.isEmpty && !overflowed }
    }

    /// Where the next poll starts: SQLite's highest id read, or PostgreSQL's oldest
    /// transaction still running when the last poll looked.
    enum Cursor: Sendable, Equatable {
        case row(Int64)
        case transaction(String)
    }

    /// Rows read per poll at most.
    static let pollLimit = 5_000

    let database: any SQLDatabase
    private(set) var cursor: Cursor?

    init(database: any SQLDatabase) {
        self.database = database
    }

    private var isPostgres: Bool { database.dialect.name == "postgresql" }

    /// Places the cursor at the end of the feed; a change committed after this returns is
    /// read by the next poll.
    mutating func begin() async throws {
        cursor = isPostgres ? .transaction(try await horizon()) : .row(try await database.raw("SELECT COALESCE(MAX(id), 0) AS id FROM context_changes")
            .first(decodingColumn: "id", as: Int64.self) ?? 0)
    }

    /// The changes since the last poll (or `begin`), and the cursor moved past them.
    mutating func poll() async throws -> Changes {
        guard let cursor else {
            try await begin()
            return Changes(overflowed: true)
        }
        var changes = Changes()
        let rows: [any SQLRow]
        switch cursor {
        case .row(let last):
            rows = try await database.raw(Self.rowQuery(after: last)).all()
            self.cursor = .row(try rows.last?.decode(column: "id", as: Int64.self) ?? last)
        case .transaction(let since):
            // The horizon is read first: a transaction still running then has an id at or
            // above it, so it is read again by the next poll however late it commits.
            let next = try await horizon()
            rows = try await database.raw(Self.transactionQuery(since: since)).all()
            self.cursor = .transaction(next)
        }
        changes.overflowed = rows.count >= Self.pollLimit
        for row in rows {
            if let server = try row.decode(column: "server_id", as: UUID?.self) { changes.servers.insert(server) }
            if let organization = try row.decode(column: "organization_id", as: UUID?.self) { changes.organizations.insert(organization) }
        }
        return changes
    }

    /// A SQLite read: the rows after the cursor's id. The index test plans this same statement.
    static func rowQuery(after last: Int64) -> SQLQueryString {
        "SELECT id, server_id, organization_id FROM context_changes WHERE id > \(bind: last) ORDER BY id LIMIT \(literal: pollLimit)"
    }

    /// A PostgreSQL read: the rows of transactions at or above the last horizon. The index test plans it too.
    static func transactionQuery(since horizon: String) -> SQLQueryString {
        "SELECT server_id, organization_id FROM context_changes WHERE txid >= CAST(\(bind: horizon) AS xid8) LIMIT \(literal: pollLimit)"
    }

    /// Forgets changes older than `cutoff`; no reader looks that far back (`ServerContextFeed`).
    static func prune(before cutoff: Date, on database: any SQLDatabase) async throws {
        try await database.raw("DELETE FROM context_changes WHERE changed_at < \(bind: Int64(cutoff.timeIntervalSince1970))").run()
    }

    private func horizon() async throws -> String {
        try await database.raw("SELECT CAST(pg_snapshot_xmin(pg_current_snapshot()) AS text) AS horizon")
            .first(decodingColumn: "horizon", as: String.self) ?? "0"
    }
}
