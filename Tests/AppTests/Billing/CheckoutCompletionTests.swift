@testable import App
import Fluent
import Foundation
import StripeFake
import Testing
import Vapor
import VaporTesting

/// The whole upgrade against the local Stripe: the app opens Checkout, the customer pays there, and the events the
/// local Stripe produces, signed as it signs them, make the workspace Pro; the live status then agrees.
@Suite("Billing: a checkout completed at the local Stripe upgrades the workspace through its webhook events")
struct CheckoutCompletionTests {
    static let secret = "whsec_BmmFakeCheckoutCompletion"

    @Test("checkout.session.completed, customer.subscription.created and invoice.paid make the workspace Pro", arguments: TestDatabase.all)
    func upgrades(database: TestDatabase) async throws {
        try await BillingFixture.run(database, webhookSecret: Self.secret) { app, server in
            // given an owner who opened Checkout for Pro, monthly
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let organizationID = try await Workspaces.organizationID(owner)
            let opened = try await owner.postObject("/v1/billing/checkout-session", ["plan": "pro", "interval": "month", "ui": "hosted"])
            let url = try #require(try AccountDataTests.json(opened)["url"] as? String)
            let sessionID = try #require(url.split(separator: "/").last?.split(separator: "#").first.map(String.init))

            // when the customer pays and the events arrive
            let completion = try #require(server.stripe.completeCheckout(sessionID: sessionID))
            for event in completion.events {
                let header = FakeStripeWebhook.signatureHeader(
                    payload: event, secret: Self.secret, timestamp: Int(app.clock.now().timeIntervalSince1970))
                let response = try await app.testing().sendRequest(
                    .POST, SiteRoute.api(.billingWebhook).path,
                    headers: ["Content-Type": "application/json", "Stripe-Signature": header], body: ByteBuffer(string: event))
                #expect(response.status == .ok, "\(response.body.string)")
            }

            // then
            #expect(completion.redirectURL == app.publicSite.baseURL + "/settings/billing/return?session_id=\(sessionID)")
            let organization = try #require(try await Organization.find(organizationID, on: app.db))
            #expect(organization.plan == "pro")
            let row = try #require(try await WorkspaceSubscription.query(on: app.db).filter(\.$organization.$id == organizationID).first())
            #expect(row.stripeSubscriptionID == server.stripe.sessionObject(sessionID)?["subscription"] as? String)
            #expect(row.status == "active" && row.interval == "month" && !row.cancelAtPeriodEnd)
            let status = try AccountDataTests.json(try await owner.get("/v1/billing/status"))
            let subscription = try #require(status["subscription"] as? [String: Any])
            #expect(subscription["source"] as? String == "stripe")
            #expect(subscription["plan"] as? String == "pro")
            let invoices = try #require(status["invoices"] as? [[String: Any]])
            #expect(invoices.count == 1, "the new customer's first invoice")
        }
    }
}
