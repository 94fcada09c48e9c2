@testable import App
import AsyncHTTPClient
import Billing
import Fluent
import Foundation
import StripeFake
import Testing
import Vapor
import VaporTesting

/// Billing tests run the real app against the local Stripe-compatible server on loopback.
enum BillingFixture {
    static let prices = [
        "STRIPE_PRICE_PRO_MONTHLY": "price_pro_month", "STRIPE_PRICE_PRO_YEARLY": "price_pro_year",
        "STRIPE_PRICE_TEAM_MONTHLY": "price_team_month", "STRIPE_PRICE_TEAM_YEARLY": "price_team_year",
    ]

    /// Billing on, pointed at `server`; with `webhookSecret`, accepting webhooks signed with it.
    static func config(_ database: TestDatabase, _ server: FakeStripeServer, webhookSecret: String? = nil) throws -> AppConfig {
        var environment = prices
        environment["STRIPE_WEBHOOK_SECRET"] = webhookSecret
        environment["STRIPE_SECRET_KEY"] = FakeStripe.secretKey
        environment["STRIPE_API_BASE"] = server.baseURL
        environment["STRIPE_PUBLISHABLE_KEY"] = "pk_test_51BmmFakePublishable"
        environment["STRIPE_JS_URL"] = server.baseURL + "/endive/stripe.js"
        return try testConfig(database: database, environment: environment)
    }

    /// A started fake, the app configured against it, and both shut down whatever happens.
    static func run(
        _ database: TestDatabase, webhookSecret: String? = nil, _ body: (Application, FakeStripeServer) async throws -> Void
    ) async throws {
        let server = try await FakeStripeServer.start()
        do {
            try await withConfiguredApp(try config(database, server, webhookSecret: webhookSecret)) { app in
                try await body(app, server)
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Records the fake's seeded customer and active Pro subscription as the browser's workspace's, the state the
    /// webhook leaves after a completed checkout.
    static func subscribe(_ browser: BrowserSession, status: String = "active") async throws {
        let organizationID = try await Workspaces.organizationID(browser)
        let row = WorkspaceSubscription(organizationID: organizationID, stripeCustomerID: "cus_seeded")
        row.stripeSubscriptionID = "sub_seeded"
        row.plan = "pro"
        row.interval = "month"
        row.status = status
        row.currentPeriodEnd = Date(timeIntervalSince1970: TimeInterval(FakeStripe.periodEnd))
        try await row.create(on: browser.app.db)
    }

    static func errorCode(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        try AccountDataTests.json(response, sourceLocation: sourceLocation)["error"] as? String
    }

    /// Stripe's requests to `path`, as the fake saw them.
    static func requests(_ server: FakeStripeServer, _ method: String, _ path: String) -> [StripeWireRequest] {
        server.requests.filter { $0.method.rawValue == method && $0.path == path }
    }
}
