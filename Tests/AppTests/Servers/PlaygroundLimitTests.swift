@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Playground: a call from the server page meets the same limits and takedown as an MCP client's")
struct PlaygroundLimitTests {
    static func run(_ browser: BrowserSession, _ server: UUID) async throws -> TestingHTTPResponse {
        let path = SiteRoute.server(.value(server), .playground).path
        let csrf = try #require(BrowserSession.csrfField(in: try await browser.get(path + "?tool=add").body.string))
        return try await browser.postForm(path, ["csrf": csrf, "tool": "add", "arg_a": "2", "arg_b": "3", "arguments": ""])
    }

    @Test("the per-minute limit: the person's own window and the server's, which MCP clients share", arguments: TestDatabase.all)
    func perMinute(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_TOOL_CALLS_PER_MINUTE": "3"])) { app in
            app.clock = ToolCallLimitTests.clockInsideOneMinute()
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(browser)
            for _ in 0..<3 { #expect(try await Self.run(browser, server).status == .ok) }
            // when
            let refused = try await Self.run(browser, server)
            // then: refused, the form kept, and the server's window used up for MCP clients too
            #expect(refused.status == .tooManyRequests)
            #expect(refused.body.string.contains("Too many tool calls: at most 3 a minute"))
            #expect(HTMLInspector(html: refused.body.string).tags("input").contains { $0.attributes["name"] == "arg_a" && $0.attributes["value"] == "2" })
            let retryAfter = try #require(refused.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
            let client = MCPEndpointTests.Client(app: app, path: SiteRoute.mcp(.value(server)).path, token: try await Hosting.token(browser))
            let viaMCP = try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 1, "b": 2]], name: "add")
            #expect(viaMCP.status == .tooManyRequests)
            #expect((try MCPEndpointTests.error(viaMCP)["data"] as? [String: Any])?["limit"] as? String == "server")
        }
    }

    @Test("the monthly quota: a workspace out of calls cannot run more from the page", arguments: TestDatabase.all)
    func monthly(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = AppClock { ToolCallQuotaTests.noon }
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(browser)
            let organization = try #require(try await HostedServer.find(server, on: app.db)).$organization.id
            let limit = try #require(PlanTable.hobby.monthlyToolCalls)
            try await QuotaSupport.recordCalls(app, organization: organization, server: server, day: "2026-11-05", calls: limit - 1)
            #expect(try await Self.run(browser, server).status == .ok)
            // when
            let refused = try await Self.run(browser, server)
            // then
            #expect(refused.status == .tooManyRequests)
            #expect(refused.body.string.contains("10,000 tool calls the Hobby plan includes"))
            #expect(refused.headers.first(name: "Retry-After") != nil)
            try await app.hosting.calls.flush(on: app.db)
            #expect(try await ToolCallRecord.query(on: app.db).count() == 1, "the refused call did not run")
        }
    }

    @Test("a fork of a taken-down template does not run from its page either", arguments: TestDatabase.all)
    func takedown(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let setting = try await TakedownTests.setUp(app)
            #expect(try await Self.run(setting.forker.browser, setting.fork).status == .ok)
            try await TakedownTests.takeDown(setting)
            // when
            let stopped = try await Self.run(setting.forker.browser, setting.fork)
            // then
            #expect(stopped.status == .gone)
            #expect(stopped.body.string.contains("taken down by the moderators"))
            #expect(try await Self.run(setting.owner.browser, setting.source).status == .ok, "the source server keeps running")
        }
    }
}
