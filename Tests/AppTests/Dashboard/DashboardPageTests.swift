@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Dashboard: servers with today's calls, latest builds, quotas, and the empty state only when empty")
struct DashboardPageTests {
    @Test("a new workspace sees the empty state with ways to start; no claim that building is yet to come", arguments: TestDatabase.all)
    func emptyWorkspace(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a new person
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when
            let page = try await browser.get("/dashboard")
            // then
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains("No servers yet"))
            #expect(!html.contains("next release"))
            let links = HTMLInspector(html: html).tags("a").compactMap { $0.attributes["href"] }
            #expect(links.contains("/servers/new"))
            #expect(links.contains("/templates"))
            #expect(!html.contains("Latest builds"), "no builds section without builds")
            #expect(html.contains("0 of 2 servers"))
        }
    }

    @Test("after a build: the server with today's calls and errors, its build, and quota bars from the plan table", arguments: TestDatabase.all)
    func workspaceWithAServer(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a built server with two calls today (one failed) and one yesterday, recorded as tool calls are
            // (the call log and its daily totals, which the dashboard reads)
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let now = app.clock.now()
            for (at, outcome) in [(now, "ok"), (now, "tool_error"), (now.addingTimeInterval(-26 * 3600), "ok")] {
                app.hosting.calls.add(ToolCallEntry(serverID: id, organizationID: server.$organization.id, tool: "add", at: at,
                                                    durationMilliseconds: 1, outcome: outcome, errorMessage: nil, bytesIn: 1, bytesOut: 1))
            }
            // when
            let html = try await browser.get("/dashboard").body.string
            // then
            #expect(!html.contains("No servers yet"))
            let row = try #require(HTMLInspector(html: html).texts("tr").first { $0.contains("Calculator") })
            #expect(row.contains("Live"))
            #expect(row == "Calculator Live 2 1", "2 calls and 1 error today, not yesterday's")
            #expect(html.contains("Latest builds"))
            #expect(html.contains("version 1"))
            #expect(html.contains("1 of 2 servers"))
            #expect(html.contains("1 of 3 builds"), "the Hobby plan's daily builds, from the plan table")
            #expect(html.contains("Usage by day as a table"))
            // the chart names both axes and says what it shows in words
            let chart = try #require(HTMLInspector(html: html).tags("svg").first { $0.attributes["class"] == "usage-chart" })
            #expect(chart.attributes["role"] == "img")
            #expect(chart.attributes["aria-label"]?.hasPrefix("This month: ") == true)
            let texts = HTMLInspector(html: html).texts("text")
            #expect(texts.contains("Day of the month (UTC)"))
            #expect(texts.contains("Count per day"))
            #expect(HTMLInspector(html: html).tags("a").contains { $0.attributes["href"] == "/servers/new" && $0.attributes["data-glow"] != nil },
                    "+ New server answers a press with the glow")
        }
    }
}
