@testable import App
import FluentSQLiteDriver
import Foundation
import NIOPosix
import SQLKit
import Testing
import Vapor
import VaporTesting

/// SQLite has one writer. A request that cannot get the write lock must wait a bounded
/// time and then fail clearly, never spin or hang (sqlite-nio's own busy handler retries
/// forever, which once stalled a whole app behind one stuck writer).
@Suite("SQLite write-lock waits", .timeLimit(.minutes(1)))
struct SQLiteLockingTests {
    @Test("every SQLite connection of the app has the configured busy timeout")
    func everyConnectionWaitsBoundedly() async throws {
        var config = try testConfig()
        config.sqliteBusyTimeout = .milliseconds(750)
        try await withConfiguredApp(config) { app in
            var loops = 0
            for eventLoop in app.eventLoopGroup.makeIterator() {
                loops += 1
                let sql = try #require(app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase)
                let row = try #require(try await sql.raw("PRAGMA busy_timeout").first())
                #expect(try row.decode(column: "timeout", as: Int.self) == 750)
            }
            #expect(loops >= 1)
        }
    }

    @Test("a write blocked by another writer ends in 503 database_busy after the timeout, and works once the lock is gone")
    func lockedDatabaseAnswersBusy() async throws {
        var config = try testConfig()
        config.sqliteBusyTimeout = .milliseconds(300)
        guard case .sqlite(let path) = config.database else { Issue.record("not SQLite"); return }
        try await withConfiguredApp(config) { app in
            // Another process's writer, as `bmm worker` would be: its own connection holding the write lock.
            let other = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: app.logger,
                                                        on: MultiThreadedEventLoopGroup.singleton.any()).get()
            _ = try await other.query("BEGIN IMMEDIATE").get()

            let browser = BrowserSession(app)
            let started = ContinuousClock.now
            let blocked = try await browser.postJSON("/v1/auth/magic-link", ["email": "locked@example.com"])
            let waited = ContinuousClock.now - started
            #expect(blocked.status == .serviceUnavailable)
            #expect(blocked.headers.first(name: "Retry-After") == "1")
            let body = try JSONSerialization.jsonObject(with: Data(blocked.body.string.utf8)) as? [String: Any]
            #expect(body?["error"] as? String == "database_busy")
            #expect(waited >= .milliseconds(300), "gave up before the busy timeout: \(waited)")
            // generous: a spinning or endless wait would hit the pool's 10 s timeout instead
            #expect(waited < .seconds(8), "waited \(waited)")

            _ = try await other.query("ROLLBACK").get()
            try await other.close().get()
            let retried = try await browser.postJSON("/v1/auth/magic-link", ["email": "locked@example.com"])
            #expect(retried.status == .accepted)
        }
    }

    @Test("a transaction that reads and then writes holds the write lock from its start, so another writer waits for it")
    func readThenWriteTakesTheLockFirst() async throws {
        let config = try testConfig()
        guard case .sqlite(let path) = config.database else { Issue.record("not SQLite"); return }
        try await withConfiguredApp(config) { app in
            let other = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: app.logger,
                                                        on: MultiThreadedEventLoopGroup.singleton.any()).get()
            _ = try await other.query("PRAGMA busy_timeout = 5000").get()
            let attempts = Attempts()
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("CREATE TABLE snapshot_probe (n INTEGER)").run()

            // given a transaction that has read…
            try await app.db.writeTransaction { db in
                let sql = db as! any SQLDatabase
                let attempt = attempts.next()
                _ = try await sql.raw("SELECT COUNT(*) AS c FROM snapshot_probe").all()
                if attempt == 1 {
                    // when another connection writes in between (a deferred transaction would let
                    // it commit now and then fail its own first write with SQLITE_BUSY_SNAPSHOT)…
                    Task { _ = try await other.query("INSERT INTO snapshot_probe (n) VALUES (1)").get() }
                    try await Task.sleep(for: .milliseconds(200))
                    #expect(try await sql.raw("SELECT COUNT(*) AS c FROM snapshot_probe").first()?.decode(column: "c", as: Int.self) == 0,
                            "the other writer committed inside this transaction")
                    try await sql.raw("INSERT INTO snapshot_probe (n) VALUES (2)").run()
                } else {
                    try await sql.raw("INSERT INTO snapshot_probe (n) VALUES (2)").run()
                }
            }

            // then this transaction ran once and committed first; the other writer waited
            let ordered = try await waitForRows(sql, count: 2)
            try await other.close().get()
            #expect(attempts.count == 1)
            #expect(ordered == [2, 1])
        }
    }

    @Test("concurrent read-then-write transactions all commit, each on its first attempt")
    func concurrentReadThenWriteTransactions() async throws {
        let config = try testConfig()
        try await withConfiguredApp(config) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("CREATE TABLE counter_probe (n INTEGER)").run()
            let attempts = Attempts()

            // when 24 transactions each read the count and insert the next number
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<24 {
                    group.addTask {
                        try await app.db.writeTransaction { db in
                            _ = attempts.next()
                            let sql = db as! any SQLDatabase
                            let count = try await sql.raw("SELECT COUNT(*) AS c FROM counter_probe").first()?.decode(column: "c", as: Int.self) ?? 0
                            try await sql.raw("INSERT INTO counter_probe (n) VALUES (\(bind: count + 1))").run()
                        }
                    }
                }
                try await group.waitForAll()
            }

            // then none saw a stale count and none had to be run again
            let rows = try await sql.raw("SELECT n FROM counter_probe ORDER BY rowid").all().map { try $0.decode(column: "n", as: Int.self) }
            #expect(rows == Array(1...24))
            #expect(attempts.count == 24)
        }
    }

    private func waitForRows(_ sql: any SQLDatabase, count: Int) async throws -> [Int] {
        for _ in 0..<100 {
            let rows = try await sql.raw("SELECT n FROM snapshot_probe ORDER BY rowid").all().map { try $0.decode(column: "n", as: Int.self) }
            if rows.count >= count { return rows }
            try await Task.sleep(for: .milliseconds(20))
        }
        return []
    }
}

private final class Attempts: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int { lock.withLock { value += 1; return value } }
    var count: Int { lock.withLock { value } }
}
