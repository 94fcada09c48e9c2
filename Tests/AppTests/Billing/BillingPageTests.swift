@testable import App
import Fluent
import Foundation
import StripeFake
import Testing
import Vapor
import VaporTesting

@Suite("Billing page: plan, invoices, usage, the no-JS forms, billing off, Stripe down, and its own CSP")
struct BillingPageTests {
    static func forms(_ html: String) -> [String] {
        HTMLInspector(html: html).tags("form").compactMap { $0.attributes["action"] }
    }

    @Test("amounts are shown in the currency's own unit: cents, whole yen, thousandths of a dinar")
    func money() {
        #expect(BillingPageView.money(19_900, "eur") == "€199.00")
        #expect(BillingPageView.money(-5, "usd") == "−0.05 USD")
        #expect(BillingPageView.money(500, "jpy") == "500 JPY")
        #expect(BillingPageView.money(1_500, "KWD") == "1.500 KWD")
    }

    @Test("an owner without a subscription sees upgrade forms, the preselected plan, and a CSP widened only here", arguments: TestDatabase.all)
    func upgradeChoices(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            // when
            let page = try await owner.get("/settings/billing?plan=team&interval=year")
            let dashboard = try await owner.get("/dashboard")
            // then
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(Self.forms(html).filter { $0 == "/settings/billing/checkout" }.count == 4)
            // the plan asked for is picked: said in words to screen readers (not as a pressed toggle, which a submit is not)
            #expect(html.components(separatedBy: "(the plan you picked)").count == 2)
            #expect(html.contains(#"Upgrade to Team, yearly<span class="visually-hidden"> (the plan you picked)</span>"#))
            #expect(HTMLInspector(html: html).tags("button").allSatisfy { $0.attributes["aria-pressed"] == nil })
            #expect(html.contains("No invoices yet."))
            #expect(!html.contains("Manage payment methods in Stripe"), "no portal without a subscription")
            #expect(HTMLInspector(html: html).tags("dialog").count == 1)
            let list = try #require(HTMLInspector(html: html).tags("ul").first { $0.attributes["data-billing-checkout"] != nil })
            #expect(list.attributes["data-stripe-js"] == server.baseURL + "/endive/stripe.js")
            #expect(list.attributes["data-publishable-key"]?.hasPrefix("pk_test_") == true)
            #expect(HTMLInspector(html: html).tags("script").contains { ($0.attributes["src"] ?? "").contains("billing") })
            let csp = try #require(page.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("script-src 'self' \(server.baseURL)"))
            #expect(csp.contains("https://checkout.stripe.com"))
            #expect(dashboard.headers.first(name: "Content-Security-Policy") == SecurityHeadersMiddleware.contentSecurityPolicy)
            let menu = HTMLInspector(html: dashboard.body.string).tags("a").compactMap { $0.attributes["href"] }
            #expect(menu.contains("/settings/billing"), "the user menu links to Billing")
            let settings = HTMLInspector(html: try await owner.get("/settings").body.string).tags("a").compactMap { $0.attributes["href"] }
            #expect(settings.contains("/settings/billing"), "the Settings plan section links to Billing")
        }
    }

    @Test("the no-JS checkout form redirects (303) to the hosted Checkout URL Stripe returns", arguments: TestDatabase.all)
    func hostedCheckout(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await owner.get("/settings/billing").body.string))
            let response = try await owner.postForm("/settings/billing/checkout", ["csrf": csrf, "plan": "pro", "interval": "month", "requestId": "form-00000001"])
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location)?.hasPrefix("https://checkout.stripe.com/c/pay/cs_test_") == true)
            #expect(BillingFixture.requests(server, "POST", "/v1/checkout/sessions").first?.parameter("ui_mode") == "hosted_page")
        }
    }

    @Test("a subscription not in good standing says so instead of 'Renews on'", arguments: TestDatabase.all)
    func statusLine(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            await server.stop()  // the page reads the row, as it does whenever Stripe is slow or down
            let organizationID = try await Workspaces.organizationID(owner)
            let row = try #require(try await WorkspaceSubscription.query(on: app.db).filter(\.$organization.$id == organizationID).first())
            for (status, words) in [("past_due", "A payment failed"), ("unpaid", "Stripe stopped retrying"), ("active", "Renews on")] {
                row.status = status
                try await row.save(on: app.db)
                let html = try await owner.get("/settings/billing").body.string
                #expect(html.contains(words), "\(status)")
                #expect(status == "active" || !html.contains("Renews on"), "\(status)")
            }
        }
    }

    @Test("a subscribed owner sees renewal, the switcher, cancel, and the last 5 invoices with links; cancel posts and redirects", arguments: TestDatabase.all)
    func subscribed(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, _ in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            let html = try await owner.get("/settings/billing").body.string
            #expect(html.contains("Renews on 15 Dec 2025"))
            #expect(HTMLInspector(html: html).tags("tr").count == 6, "a header and 5 invoices")
            let links = HTMLInspector(html: html).tags("a").compactMap { $0.attributes["href"] }
            #expect(links.filter { $0.hasPrefix("https://pay.stripe.com/") }.count == 5)
            #expect(html.contains("Current: Pro, monthly"))
            #expect(Self.forms(html).contains("/settings/billing/cancel"))
            #expect(Self.forms(html).contains("/settings/billing/portal"))
            let csrf = try #require(BrowserSession.csrfField(in: html))
            let cancelled = try await owner.postForm("/settings/billing/cancel", ["csrf": csrf, "requestId": "form-00000002"])
            #expect(cancelled.status == .seeOther)
            let after = try await owner.get(try #require(cancelled.headers.first(name: .location))).body.string
            #expect(after.contains("will end at the end of the paid period"))
            #expect(after.contains("Keep the subscription"), "Stripe's live state shows at once")
            let preview = try await owner.get("/settings/billing/change-plan?plan=team&interval=month")
            #expect(preview.status == .ok)
            #expect(preview.body.string.contains("Confirm the change"))
            #expect(HTMLInspector(html: preview.body.string).tags("input").contains { $0.attributes["name"] == "prorationDate" })
        }
    }

    @Test("back from Checkout: the payment is being confirmed until the webhook lands, then the plan is active", arguments: TestDatabase.all)
    func backFromCheckout(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, _ in
            // given an owner back from Checkout before the webhook
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let before = try await owner.get("/settings/billing?saved=checkout").body.string

            // when the webhook has made the workspace Pro
            try await BillingFixture.subscribe(owner)
            let organization = try #require(try await Organization.find(try await Workspaces.organizationID(owner), on: app.db))
            organization.plan = "pro"
            try await organization.save(on: app.db)
            let after = try await owner.get("/settings/billing?saved=checkout").body.string

            // then
            #expect(before.contains("Your payment is being confirmed"))
            #expect(!after.contains("being confirmed"))
            #expect(after.contains("Thanks! The Pro plan is active."))
        }
    }

    @Test("a member sees the plan read-only", arguments: TestDatabase.all)
    func member(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, _ in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            let email = "member-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, email), as: email)
            let html = try await member.get("/settings/billing").body.string
            #expect(html.contains("Only the workspace owner can change the plan"))
            #expect(!Self.forms(html).contains { $0.hasPrefix("/settings/billing/") })
        }
    }

    @Test("billing off: the page says so and why, shows usage, and never calls Stripe", arguments: TestDatabase.all)
    func billingOff(database: TestDatabase) async throws {
        let server = try await FakeStripeServer.start()
        try await withConfiguredApp(try testConfig(database: database, environment: ["STRIPE_API_BASE": server.baseURL])) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let page = try await owner.get("/settings/billing")
            let html = page.body.string
            #expect(html.contains("Billing is off on this deployment"))
            #expect(html.contains("Hobby plan, set by the operator with BMM_DEFAULT_PLAN"))
            #expect(html.contains("0 of 2 servers"))
            #expect(!Self.forms(html).contains { $0.hasPrefix("/settings/billing/") })
            #expect(page.headers.first(name: "Content-Security-Policy") == SecurityHeadersMiddleware.contentSecurityPolicy)
        }
        #expect(server.requests.isEmpty)
        await server.stop()
    }

    @Test("Stripe down: the page renders from the database with a friendly notice", arguments: TestDatabase.all)
    func stripeDown(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, server in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            try await BillingFixture.subscribe(owner)
            await server.stop()
            let page = try await owner.get("/settings/billing")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("did not answer in time"))
            #expect(page.body.string.contains("Renews on 15 Dec 2025"))
        }
    }
}

@Suite("Pricing CTAs lead to the billing page with the plan preselected, through sign-in")
struct BillingPricingTests {
    @Test("Upgrade to Pro/Team link to /settings/billing with the plan; signed out, sign-in returns there", arguments: TestDatabase.all)
    func upgradeThroughSignIn(database: TestDatabase) async throws {
        try await BillingFixture.run(database) { app, _ in
            // given the pricing page
            let pricing = try await get(app, "/pricing").body.string
            let links = HTMLInspector(html: pricing).tags("a").compactMap { $0.attributes["href"] }
            #expect(links.contains("/settings/billing?plan=pro&amp;interval=month") || links.contains("/settings/billing?plan=pro&interval=month"))
            #expect(links.contains { $0.hasPrefix("/settings/billing?plan=team") })
            #expect(pricing.contains("Upgrade to Pro"))
            // the button shown with the yearly prices preselects yearly
            let yearly = HTMLInspector(html: pricing).tags("a").filter { $0.attributes["class"]?.contains("action-yearly") == true }
            #expect(yearly.compactMap { $0.attributes["href"]?.replacingOccurrences(of: "&amp;", with: "&") }
                == ["/settings/billing?plan=pro&interval=year", "/settings/billing?plan=team&interval=year"])
            // when a signed-out visitor follows it
            let visitor = BrowserSession(app)
            let answer = try await visitor.get("/settings/billing?plan=team&interval=month")
            // then sign-in, then the billing page with Team preselected
            #expect(answer.status == .seeOther)
            let location = try #require(answer.headers.first(name: .location))
            #expect(location == "/login?next=/settings/billing%3Fplan%3Dteam%26interval%3Dmonth")
            _ = try await AccountsTests.signInByEmail(visitor, email: AccountsTests.uniqueEmail())
            let page = try await visitor.get("/settings/billing?plan=team&interval=month").body.string
            #expect(page.contains(#"Upgrade to Team, monthly<span class="visually-hidden"> (the plan you picked)</span>"#))
        }
    }
}
