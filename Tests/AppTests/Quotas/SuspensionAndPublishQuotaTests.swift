@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Billing suspension and the monthly publish quota")
struct SuspensionAndPublishQuotaTests {
    @Test("suspended: new servers, drafts and builds get 402 billing_suspended, running servers answer; cleared: allowed again",
          arguments: TestDatabase.all)
    func suspension(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (client, server) = try await MCPEndpointTests.setUp(app)
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let organization = try await QuotaSupport.organization(owner)
            let running = try await Hosting.createAndBuild(owner)
            try await QuotaSupport.suspend(app, organization, at: app.clock.now())
            var spec = Hosting.calculator
            spec.slug = "calculator-new"
            // when
            let created = try await owner.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(spec)])
            let drafted = try await owner.postObject("/v1/servers/preview", ["prompt": "Search my Notion pages"])
            let current = try await QuotaSupport.current(owner)
            let request = Request(application: app, on: app.eventLoopGroup.next())
            let serverModel = try #require(try await HostedServer.find(running, on: app.db))
            let build = await #expect(throws: APIError.self) { try await request.servers(current).rebuild(serverModel, spec: Hosting.calculator) }
            // then
            #expect(created.status == .paymentRequired)
            #expect(try AccountDataTests.json(created)["error"] as? String == "billing_suspended")
            #expect(drafted.status == .paymentRequired)
            #expect(try AccountDataTests.json(drafted)["error"] as? String == "billing_suspended")
            #expect(build?.code == "billing_suspended")
            let ownClient = MCPEndpointTests.Client(app: app, path: "/mcp/\(running.uuidString.lowercased())", token: try await Hosting.token(owner))
            #expect(try await ToolCallQuotaTests.call(ownClient).status == .ok)
            #expect(try await ToolCallQuotaTests.call(client).status == .ok, "another workspace: \(server)")
            let dashboard = try await owner.get("/dashboard")
            #expect(dashboard.body.string.contains("billing-suspended"))

            // when the payment succeeds
            try await QuotaSupport.suspend(app, organization, at: nil)
            // then
            #expect(try await owner.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(spec)]).status == .created)
            let cleared = try await QuotaSupport.current(owner)
            try await request.servers(cleared).rebuild(serverModel, spec: Hosting.calculator)
            #expect(!(try await owner.get("/dashboard")).body.string.contains("billing-suspended"))
        }
    }

    @Test("publishing past the plan's monthly publishes gets 429 quota_exceeded", arguments: TestDatabase.all)
    func publishes(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given: a Hobby workspace that published its 3 templates this month
            let (browser, _) = try await AccountDataTests.signedIn(app)
            try await Publishing.upgrade(browser)
            let limit = PlanTable.hobby.monthlyTemplatePublishes
            var servers: [UUID] = []
            for _ in 0...limit { servers.append(try await Publishing.serverWithSecret(browser)) }
            let organization = try await QuotaSupport.organization(browser)
            organization.planOverride = PlanID.hobby.rawValue
            try await organization.save(on: app.db)
            for (index, id) in servers.prefix(limit).enumerated() {
                #expect(try await Publishing.publish(browser, id, title: "Weather \(index + 1)").status == .created)
            }
            // when
            let refused = try await Publishing.publish(browser, servers[limit], title: "Weather more")
            // then
            #expect(refused.status == .tooManyRequests)
            let body = try AccountDataTests.json(refused)
            #expect(body["error"] as? String == "quota_exceeded")
            #expect((body["message"] as? String)?.contains("all 3 template publishes the Hobby plan includes") == true)
            #expect(refused.headers.first(name: "Retry-After") != nil)
            #expect(try await Template.query(on: app.db).count() == limit)

            // when the publish form is used instead
            let serverPath = "/servers/\(servers[limit].uuidString.lowercased())"
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get(serverPath + "/publish").body.string))
            let form = try await browser.postForm(serverPath + "/publish", ["csrf": csrf, "title": "Weather form", "category": "data",
                                                                            "summary": "Forecasts.", "description": "Ask for a forecast."])
            // then the page comes back with the reason in words
            #expect(form.status == .tooManyRequests)
            #expect(form.body.string.contains("template publishes the Hobby plan includes per month"))
            #expect(try await Template.query(on: app.db).count() == limit)
        }
    }

    @Test("the dashboard shows five quota bars, tool calls and publishes with the period", arguments: TestDatabase.all)
    func dashboardBars(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when
            let page = try await browser.get("/dashboard").body.string
            // then
            for label in ["Hosted servers", "Drafts today", "Builds today", "Tool calls this period (since 1 ", "Template publishes this period"] {
                #expect(page.contains(label), "\(label)")
            }
            #expect(page.contains("0 of 10,000 calls"))
            #expect(page.contains("0 of 3 publishes"))
        }
    }
}
