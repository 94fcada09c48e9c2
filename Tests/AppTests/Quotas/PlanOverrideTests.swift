@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Admin: billing state and the manual plan override; the pricing page's monthly quota rows")
struct PlanOverrideTests {
    @Test("an administrator sets and clears a plan override: effective at once, audited, others refused, unknown plans rejected",
          arguments: TestDatabase.all)
    func override(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given: an administrator, and a member on Hobby (the test default) at its two-server limit
            let (admin, adminEmail) = try await AccountDataTests.signedIn(app)
            _ = try await AdminTests.runAdmin(app, ["grant", adminEmail])
            let (member, _) = try await AccountDataTests.signedIn(app)
            let organizationID = try await Workspaces.organizationID(member)
            let first = try await Hosting.createAndBuild(member)
            var spec = Hosting.calculator
            spec.slug = "calculator-two"
            _ = try await Hosting.createAndBuild(member, spec)
            let client = MCPEndpointTests.Client(app: app, path: "/mcp/\(first.uuidString.lowercased())", token: try await Hosting.token(member))
            _ = try await ToolCallQuotaTests.call(client)
            let page = try await admin.get("/admin")
            let csrf = try #require(BrowserSession.csrfField(in: page.body.string))
            let action = "/admin/orgs/\(organizationID.uuidString)/plan"
            #expect(page.body.string.contains("Default (billing off)"))
            #expect(page.body.string.contains("Subscription: none"))

            // when a member tries it
            let refused = try await member.postForm(action, ["csrf": member.csrfCookie ?? "", "plan": "enterprise"])
            // then
            #expect(refused.status == .notFound)

            // when the administrator names an unknown plan
            let unknown = try await admin.postForm(action, ["csrf": csrf, "plan": "platinum"])
            // then
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.body.string.contains("“platinum” is not a plan"))
            #expect(try await Organization.find(organizationID, on: app.db)?.planOverride == nil)
            #expect(try AccountDataTests.json(try await member.get("/v1/billing/status"))["planSetByAdministrator"] as? Bool == false)

            // when the administrator moves the workspace to Pro
            let set = try await admin.postForm(action, ["csrf": csrf, "plan": "pro"])
            // then: pages, limits and the MCP endpoint see Pro at once
            #expect(set.status == .seeOther)
            #expect(try await Organization.find(organizationID, on: app.db)?.planOverride == "pro")
            let me = try AccountDataTests.json(try await member.get("/v1/auth/me"))
            #expect((me["plan"] as? [String: Any])?["id"] as? String == "pro")
            var third = Hosting.calculator
            third.slug = "calculator-three"
            #expect(try await member.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(third)]).status == .created)
            #expect(try await app.hosting.contexts.context(for: first, app: app)?.plan.id == .pro)
            #expect((try await admin.get("/admin")).body.string.contains("Override"))
            // the workspace is told the plan is an administrator's, not the one every workspace gets
            let status = try AccountDataTests.json(try await member.get("/v1/billing/status"))
            #expect(status["planSetByAdministrator"] as? Bool == true)
            let billingPage = try await member.get("/settings/billing").body.string
            #expect(billingPage.contains("an administrator gave this one the Pro plan"), "\(billingPage)")
            // audited twice: in the platform's log with the administrator, in the workspace's as the platform's doing
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "org.plan_override_set")
                .filter(\.$organizationID == nil).first())
            #expect(event.actorUserID != nil && event.metadata.contains(organizationID.uuidString))
            let told = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "org.plan_override_set")
                .filter(\.$organizationID == organizationID).first())
            #expect(told.actorUserID == nil && told.ip == nil && told.userAgent == nil && told.metadata.contains("platform administrator"))
            let metadata = try #require(try JSONSerialization.jsonObject(with: Data(event.metadata.utf8)) as? [String: Any])
            #expect(metadata["from"] as? String == "hobby")
            #expect(metadata["to"] as? String == "pro")

            // when the administrator clears it
            let cleared = try await admin.postForm(action, ["csrf": csrf, "plan": ""])
            // then
            #expect(cleared.status == .seeOther)
            #expect(try await Organization.find(organizationID, on: app.db)?.planOverride == nil)
            #expect(try AccountDataTests.json(try await member.get("/v1/billing/status"))["planSetByAdministrator"] as? Bool == false)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "org.plan_override_cleared").count() == 2)
            var fourth = Hosting.calculator
            fourth.slug = "calculator-four"
            let limited = try await member.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(fourth)])
            #expect(limited.status == .paymentRequired)
            #expect(try AccountDataTests.json(limited)["error"] as? String == "plan_limit")
        }
    }

    @Test("the pricing page compares tool calls and template publishes per month from the plan table")
    func pricingRows() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            // when
            let rows = PlanPresentation.comparison()
            let html = try await app.testing().sendRequest(.GET, "/pricing").body.string
            // then
            let calls = try #require(rows.first { $0.label == "Tool calls per month" })
            let publishes = try #require(rows.first { $0.label == "Template publishes per month" })
            #expect(calls.values == ["10,000", "250,000", "2,000,000", "Unlimited"])
            #expect(publishes.values == ["3", "20", "100", "1,000"])
            #expect(html.contains("Tool calls per month"))
            #expect(html.contains("Template publishes per month"))
            #expect(html.contains("2,000,000"))
            // a plan includes what the plan below includes unless it says otherwise
            #expect(rows.first { $0.label == "OAuth 2.1 for every server" }?.values == ["Included", "Included", "Included", "Included"])
            #expect(rows.first { $0.label == "Template marketplace" }?.values == ["Included", "Included", "Included", "Included"])
            #expect(rows.first { $0.label == "Private templates" }?.values == ["—", "Included", "Included", "Included"])
            #expect(rows.first { $0.label == "Custom domains" }?.values == ["—", "—", "Coming soon", "Coming soon"])
            #expect(rows.first { $0.label == "Uptime commitment" }?.values == ["—", "—", "—", "By contract"])
        }
    }
}
