@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Runs on every database in `TestDatabase.all`. Serialized: the PostgreSQL
/// tests share one database.
@Suite("Database, readiness and status", .serialized)
struct DatabaseTests {
    @Test("CI runs the database tests on PostgreSQL too")
    func postgresPresentWhenRequired() {
        if ProcessInfo.processInfo.environment["BMM_REQUIRE_POSTGRES"] == "1" {
            #expect(TestDatabase.all.count == 2, "BMM_TEST_POSTGRES_URL is not set")
        }
    }

    @Test("development configures the database and migrates it automatically", arguments: TestDatabase.all)
    func autoMigrate(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let rows = try await sql.raw("SELECT COUNT(*) AS count FROM _fluent_migrations").all()
            #expect(rows.count == 1)
        }
    }

    @Test("`bmm migrate` works on a fresh database and reports it up to date", arguments: TestDatabase.all)
    func migrateCommand(database: TestDatabase) async throws {
        var config = try testConfig(database: database)
        config.autoMigrate = false
        try await withConfiguredApp(config) { app in
            let console = CapturingConsole()
            var context = CommandContext(console: console, input: CommandInput(arguments: ["bmm"]))
            context.application = app
            try await MigrateCommand().run(using: &context)
            #expect(console.output.contains("CreateUsers"), "\(console.output)")
            #expect(console.output.contains("Applied \(Migrations.all.count) migration(s)."))
            let second = CapturingConsole()
            var secondContext = CommandContext(console: second, input: CommandInput(arguments: ["bmm"]))
            secondContext.application = app
            try await MigrateCommand().run(using: &secondContext)
            #expect(second.output.contains("Database is up to date."))

        }
    }

    @Test("the call log is read through its (server, time) index", arguments: TestDatabase.all)
    func toolCallIndex(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            if case .sqlite = database {
                let plan = try await sql.raw("""
                    EXPLAIN QUERY PLAN SELECT * FROM tool_calls WHERE server_id = \(bind: UUID()) AND at >= \(bind: Date()) ORDER BY at DESC
                    """).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
                #expect(plan.contains("USING INDEX tool_calls_server_at"), "\(plan)")
            } else {
                let rows = try await sql.raw("""
                    SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'tool_calls_server_at'
                    """).all()
                let definition = try rows.first?.decode(column: "indexdef", as: String.self) ?? ""
                #expect(definition.contains("(server_id, at)"), "\(definition)")
            }
        }
    }

    @Test("/healthz and /readyz answer ok with no-store", arguments: TestDatabase.all)
    func readiness(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let live = try await get(app, "/healthz")
            #expect(live.status == .ok)
            #expect(live.body.string == #"{"status":"ok"}"#)

            let ready = try await get(app, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready.headers.first(name: .cacheControl) == "no-store")
            let body = try JSONSerialization.jsonObject(with: Data(ready.body.string.utf8)) as? [String: Any]
            #expect(body?["status"] as? String == "ok")
            let check = (body?["checks"] as? [String: Any])?["database"] as? [String: Any]
            #expect(check?["ok"] as? Bool == true)
            #expect(check?["latencyMs"] is Double)
        }
    }

    @Test("the status page shows every check", arguments: TestDatabase.all)
    func statusPage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let response = try await get(app, "/status")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .cacheControl) == "no-store")
            let html = response.body.string
            #expect(html.contains("All systems operational"))
            #expect(html.contains("data-check=\"database\""))
            #expect(html.contains("data-probe=\"/readyz\""))
        }
    }

    @Test("/readyz and /status fail clearly when the database is unreachable")
    func databaseDown() async throws {
        // given a PostgreSQL URL where nothing listens
        var config = try testConfig(environment: ["DATABASE_URL": "postgres://bmm:unused@127.0.0.1:9/bmm"])
        config.autoMigrate = false
        try await withConfiguredApp(config) { app in
            // when
            let ready = try await get(app, "/readyz")
            // then
            #expect(ready.status == .serviceUnavailable)
            let body = try JSONSerialization.jsonObject(with: Data(ready.body.string.utf8)) as? [String: Any]
            #expect(body?["status"] as? String == "unavailable")
            let check = (body?["checks"] as? [String: Any])?["database"] as? [String: Any]
            #expect(check?["ok"] as? Bool == false)
            #expect(check?["error"] as? String == "Database unreachable")
            #expect(!ready.body.string.contains("unused"))

            let status = try await get(app, "/status")
            #expect(status.status == .serviceUnavailable)
            #expect(status.body.string.contains("Some systems are unavailable"))
            // and the public pages, which need no database, still work
            #expect(try await get(app, "/docs/quickstart").status == .ok)
        }
    }

    @Test("with the database unreachable, API and MCP requests answer 503 database_unavailable and pages a friendly 503")
    func databaseUnavailableAnswers() async throws {
        // given a PostgreSQL URL where nothing listens
        var config = try testConfig(environment: ["DATABASE_URL": "postgres://bmm:unused@127.0.0.1:9/bmm"])
        config.autoMigrate = false
        try await withConfiguredApp(config) { app in
            let session: HTTPHeaders = ["Cookie": "bmm_session=abc", "Accept": "application/json"]
            for path in ["/v1/servers", "/mcp/\(UUID())"] {
                // when
                let response = try await get(app, path, headers: path.hasPrefix("/mcp") ? ["Authorization": "Bearer bmm_x"] : session)
                // then
                #expect(response.status == .serviceUnavailable, "\(path)")
                let body = try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any]
                #expect(body?["error"] as? String == "database_unavailable", "\(path): \(response.body.string)")
                #expect(response.headers.first(name: "Retry-After") == "5")
                #expect(!response.body.string.contains("unused"))
            }
            let page = try await get(app, "/dashboard", headers: ["Cookie": "bmm_session=abc", "Accept": "text/html"])
            #expect(page.status == .serviceUnavailable)
            #expect(page.body.string.contains("The database cannot be reached right now."))
            #expect(page.body.string.contains("Temporarily unavailable") && !page.body.string.contains("Something went wrong"))
        }
    }

    @Test("with the database unreachable, an MCP message is answered in JSON-RPC: a retryable error with its id, 200 in a 2025 session, 503 stateless",
          arguments: [("2025-11-25", HTTPStatus.ok), ("2026-07-28", HTTPStatus.serviceUnavailable)])
    func databaseUnavailableMCPMessage(version: String, status: HTTPStatus) async throws {
        // given a PostgreSQL URL where nothing listens
        var config = try testConfig(environment: ["DATABASE_URL": "postgres://bmm:unused@127.0.0.1:9/bmm"])
        config.autoMigrate = false
        try await withConfiguredApp(config) { app in
            // when a client sends a call
            let body = #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"add","arguments":{}}}"#
            let response = try await app.testing().sendRequest(.POST, "/mcp/\(UUID())", headers: [
                "Authorization": "Bearer bmm_x", "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                "MCP-Protocol-Version": version, "MCP-Session-Id": "s",
            ], body: ByteBuffer(string: body))
            // then it is told, in JSON-RPC, that it may retry and when
            #expect(response.status == status)
            #expect(response.headers.first(name: "Retry-After") == "5")
            let json = try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any]
            #expect(json?["id"] as? Int == 7 && json?["jsonrpc"] as? String == "2.0", "\(response.body.string)")
            let error = json?["error"] as? [String: Any]
            #expect(error?["code"] as? Int == -31503)
            #expect((error?["data"] as? [String: Any])?["retryable"] as? Bool == true)
            #expect(!response.body.string.contains("unused"))
        }
    }

    @Test("a database that cannot store anything (SQLite read-only) answers 503 with Retry-After, and /readyz says so for a while")
    func storageFull() async throws {
        try await withConfiguredApp(try testConfig(database: .sqlite)) { app in
            // given a signed-in person, and a database that refuses every write from now on
            let (browser, _) = try await AccountDataTests.signedIn(app)
            app.health = StorageHealth(window: .milliseconds(300))
            try await Self.setQueryOnly(app, true)
            // when a change is asked for
            let refused = try await browser.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": browser.csrfCookie ?? ""],
                                                 body: ByteBuffer(string: #"{"name":"x"}"#))
            // then it is a passing condition with a time to retry, not a bug ("something went wrong", 500)
            #expect(refused.status == .serviceUnavailable)
            #expect(try AccountDataTests.json(refused)["error"] as? String == "database_unavailable")
            #expect(refused.headers.first(name: "Retry-After") == "30")
            // and readiness says the database cannot store anything, though it answers reads
            let ready = try await get(app, "/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.body.string.contains("could not store anything"))
            // when writes work again and the window has passed, it is ready again
            try await Self.setQueryOnly(app, false)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await get(app, "/readyz").status == .ok)
        }
    }

    /// `query_only` makes every write on a connection fail with SQLITE_READONLY; Fluent keeps one per event loop.
    static func setQueryOnly(_ app: Application, _ on: Bool) async throws {
        for eventLoop in app.eventLoopGroup.makeIterator() {
            let sql = try #require(app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase)
            try await sql.raw("PRAGMA query_only = \(unsafeRaw: on ? "ON" : "OFF")").run()
        }
    }
}
