@testable import App
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Answered calls are counted even when the database takes no writes for a while: the call log keeps them and
/// writes them once it can (a stopped PostgreSQL lost every batch of the outage, and with it usage and quota counts).
@Suite("Call log: a database that takes no writes for a while")
struct CallLogOutageTests {
    @Test("records the database refused are kept, still counted, and written once it takes writes again", arguments: TestDatabase.all)
    func keptThroughAnOutage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a server and three answered calls
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let organization = try await Workspaces.organizationID(browser)
            try await app.hosting.calls.flush(on: app.db)
            let loggedBefore = try await Self.logged(app, server: id)
            let calls = CallRecorder()
            let now = Date()
            for minute in 0..<3 {
                calls.add(ToolCallEntry(serverID: id, organizationID: organization, tool: "add", at: now.addingTimeInterval(Double(-minute) * 60),
                                        durationMilliseconds: 1, outcome: "ok", errorMessage: nil, bytesIn: 1, bytesOut: 1))
            }
            // when neither the call log nor its daily totals can be written (the tables are away, as a stopped
            // database's are) and a flush runs
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("ALTER TABLE tool_calls RENAME TO tool_calls_away").run()
            try await sql.raw("ALTER TABLE tool_call_days RENAME TO tool_call_days_away").run()
            await #expect(throws: CallLogUnwritable.self) { try await calls.flush(on: app.db) }
            // then every call is kept and still counted for the quota
            #expect(calls.pendingCount(organization: organization, from: QuotaPeriod.dayString(now.addingTimeInterval(-86_400))) == 3)
            // when the database takes writes again
            try await sql.raw("ALTER TABLE tool_calls_away RENAME TO tool_calls").run()
            try await sql.raw("ALTER TABLE tool_call_days_away RENAME TO tool_call_days").run()
            try await calls.flush(on: app.db)
            // then all three are in the log and the daily totals, once
            let logged = try await Self.logged(app, server: id)
            #expect(logged.rows == loggedBefore.rows + 3)
            #expect(logged.days == loggedBefore.days + 3)
            #expect(calls.pendingCount(organization: organization, from: "0000-00-00") == 0)
        }
    }

    /// The server's rows in the call log and its calls in the daily totals.
    static func logged(_ app: Application, server: UUID) async throws -> (rows: Int, days: Int64) {
        let rows = try await ToolCallRecord.query(on: app.db).filter(\.$server.$id == server).count()
        let days = try await ToolCallDay.query(on: app.db).filter(\.$serverID == server).all()
        return (rows, days.reduce(0) { $0 + $1.calls })
    }
}
