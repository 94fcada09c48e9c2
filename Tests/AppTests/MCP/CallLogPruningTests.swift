@testable import App
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// The call log's retention: old calls go in batches, the daily totals stay, and every chart
/// and usage figure reads the totals, so pruning never changes them. The queries a tool call
/// makes, and the pruning's, use an index.
@Suite("Call log: retention and the daily totals")
struct CallLogPruningTests {
    static let now = Date(timeIntervalSince1970: 1_798_000_000)

    @Test("pruning removes only calls older than the retention, in batches, and keeps the daily totals the charts and usage read", arguments: TestDatabase.all)
    func pruning(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a server with three calls (one failed) on each of the last 20 days
            app.clock = AppClock { Self.now }
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let organization = try await Workspaces.organizationID(browser)
            for day in 0..<20 {
                for call in 0..<3 {
                    app.hosting.calls.add(ToolCallEntry(serverID: id, organizationID: organization, tool: "add",
                                                        at: Self.now.addingTimeInterval(-Double(day) * 86_400 - Double(call) * 60),
                                                        durationMilliseconds: 1, outcome: call == 0 ? "tool_error" : "ok",
                                                        errorMessage: nil, bytesIn: 1, bytesOut: 1))
                }
            }
            try await app.hosting.calls.flush(on: app.db)
            let charts = try await Self.charts(app, server: id, organization: organization)
            #expect(charts.sparkline.reduce(0, +) == 42, "14 days of 3 calls")
            #expect(charts.today.calls == 3 && charts.today.errors == 1)
            let totals = try await ToolCallDay.query(on: app.db).count()
            // when calls older than three days go, seven at a time
            let cutoff = CallLogPruning.cutoff(now: Self.now, days: 3)
            let deleted = try await CallLogPruning(database: app.db, batchSize: 7, pause: .zero).prune(before: cutoff)
            // then
            #expect(deleted == 17 * 3 - 1, "every call before the cutoff, far more than one batch")
            let left = try await ToolCallRecord.query(on: app.db).all()
            #expect(left.count == 60 - deleted)
            #expect(left.allSatisfy { $0.at >= cutoff })
            #expect(try await ToolCallDay.query(on: app.db).count() == totals)
            let after = try await Self.charts(app, server: id, organization: organization)
            #expect(after.sparkline == charts.sparkline)
            #expect(after.today.calls == charts.today.calls && after.today.errors == charts.today.errors)
            #expect(after.month == charts.month)
            // and the server list shows the same total
            let list = try await browser.get("/servers")
            #expect(list.body.string.contains("42 calls in the last 14 days"))
            // when nothing is older than the cutoff
            #expect(try await CallLogPruning(database: app.db, batchSize: 7, pause: .zero).prune(before: cutoff) == 0)
        }
    }

    struct Charts {
        let sparkline: [Int]
        let today: (calls: Int, errors: Int)
        let month: Int
    }

    static func charts(_ app: Application, server: UUID, organization: UUID) async throws -> Charts {
        let sparkline = try await ServerListPageQuery(database: app.db, hosting: app.hosting).callsPerDay([server], now: now)[server] ?? []
        let dashboard = try await DashboardPageQuery(database: app.db, hosting: app.hosting, usage: UsageService(database: app.db, now: now))
            .load(organization: organization)
        let month = try await ToolCallDay.calls(organization: organization, in: QuotaPeriod(renewedAt: nil, now: now), on: app.db)
        return Charts(sparkline: sparkline, today: dashboard.callsToday[server] ?? (0, 0), month: month)
    }

    /// The statements a tool call makes (the server's stamp, the caller, the monthly count, a
    /// legacy session), the context refresh's, the charts' and the pruning's, as the code writes them.
    static let statements: [(String, SQLQueryString)] = {
        let id = UUID(), hash = "0123", day = "2026-01-01", now = Date()
        return [
            ("server stamp", ServerContextCache.stampQuery(of: id)),
            ("change feed read", ContextChangeFeed.rowQuery(after: 0)),
            ("API token caller", APITokenService.callerQuery(tokenHash: hash)),
            ("OAuth caller", OAuthTokenService.accessCallerQuery(tokenHash: hash)),
            ("monthly calls", ToolCallDay.callsQuery(organization: id, firstDay: day, lastDay: day)),
            ("legacy session", "SELECT id FROM mcp_sessions WHERE session_hash = \(bind: hash)"),
            ("sparklines and dashboard today", ToolCallDay.daysQuery(servers: [id, UUID()], firstDay: day, lastDay: day)),
            ("recent calls", "SELECT id FROM tool_calls WHERE server_id = \(bind: id) ORDER BY at DESC LIMIT 20"),
            ("pruning", "SELECT id FROM tool_calls WHERE at < \(bind: now) ORDER BY at LIMIT 1000"),
        ]
    }()

    @Test("every query on a tool call's path, the charts' and the pruning's, is planned through an index", arguments: TestDatabase.all)
    func indexes(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // PostgreSQL's feed read compares transaction ids, a type SQLite does not have.
            let feed: [(String, SQLQueryString)] = if case .postgres = database { [("change feed read by transaction", ContextChangeFeed.transactionQuery(since: "0"))] } else { [] }
            for (name, statement) in Self.statements + feed {
                // given no table scan the planner may fall back to (PostgreSQL prefers one on tiny tables)
                let plan = try await app.db.transaction { db -> [String] in
                    let sql = try #require(db as? any SQLDatabase)
                    if case .postgres = database {
                        try await sql.raw("SET LOCAL enable_seqscan = off").run()
                        return try await sql.raw("EXPLAIN " + statement).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                    }
                    return try await sql.raw("EXPLAIN QUERY PLAN " + statement).all().map { try $0.decode(column: "detail", as: String.self) }
                }
                // then
                // (a whole index read in order is a scan too: SQLite's `SCAN t USING INDEX`, PostgreSQL's index scan without a condition)
                let scans = plan.filter { $0.contains("Seq Scan") || $0.hasPrefix("SCAN ") }
                #expect(scans.isEmpty, "\(name) scans: \(plan)")
                // (SQLite's `USING INTEGER PRIMARY KEY` is a search of the table's own rowid tree)
                let indexed = ["USING INDEX", "USING COVERING INDEX", "USING INTEGER PRIMARY KEY", "Index Cond"]
                #expect(plan.contains { line in indexed.contains { line.contains($0) } }, "\(name): \(plan)")
            }
        }
    }
}
