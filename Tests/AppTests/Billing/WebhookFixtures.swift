@testable import App
import Billing
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// An app with billing on, workspaces with a Stripe customer, and events shaped like Stripe's at API
/// 2026-10-28.endive, signed as Stripe signs them.
enum WebhookFixtures {
    // Obviously fake: nothing here can reach or sign for a real Stripe account.
    static let secretKey = "sk_test_51BmmFakeWebhookTests0123456789abcdefABCDEF"
    static let webhookSecret = "whsec_BmmFakeWebhookSecretForTestsOnly"
    static let proMonthly = "price_1BmmFakeProMonthly"
    static let proYearly = "price_1BmmFakeProYearly"
    static let teamMonthly = "price_1BmmFakeTeamMonthly"
    static let teamYearly = "price_1BmmFakeTeamYearly"
    static let apiVersion = "2026-10-28.endive"

    static func config(
        _ database: TestDatabase, webhookSecret: String? = WebhookFixtures.webhookSecret, environment extra: [String: String] = [:]
    ) throws -> AppConfig {
        var environment = [
            "STRIPE_SECRET_KEY": secretKey,
            "STRIPE_PRICE_PRO_MONTHLY": proMonthly, "STRIPE_PRICE_PRO_YEARLY": proYearly,
            "STRIPE_PRICE_TEAM_MONTHLY": teamMonthly, "STRIPE_PRICE_TEAM_YEARLY": teamYearly,
        ]
        environment["STRIPE_WEBHOOK_SECRET"] = webhookSecret
        environment.merge(extra) { _, new in new }
        return try testConfig(database: database, environment: environment)
    }

    struct Workspace {
        let organizationID: UUID
        let ownerEmail: String
        let customerID: String
    }

    /// A workspace on Hobby whose owner opened Checkout: the billing API created its customer and row.
    static func workspace(_ app: Application, subscriptionID: String? = nil) async throws -> Workspace {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let user = User(email: "owner-\(tag)@example.com", phone: nil, displayName: "Owner \(tag)")
        try await user.create(on: app.db)
        let organization = try await PersonalWorkspace.create(for: user, named: user.displayName, on: app.db)
        let row = WorkspaceSubscription(organizationID: try organization.requireID(), stripeCustomerID: "cus_BmmFake\(tag)")
        row.stripeSubscriptionID = subscriptionID
        try await row.create(on: app.db)
        return Workspace(organizationID: try organization.requireID(), ownerEmail: user.email!, customerID: row.stripeCustomerID)
    }

    static func organization(_ app: Application, _ workspace: Workspace) async throws -> Organization {
        try #require(try await Organization.find(workspace.organizationID, on: app.db))
    }

    static func row(_ app: Application, _ workspace: Workspace) async throws -> WorkspaceSubscription {
        try #require(try await WorkspaceSubscription.query(on: app.db).filter(\.$stripeCustomerID == workspace.customerID).first())
    }

    static func emails(_ app: Application, to workspace: Workspace) async throws -> [OutboxMessage] {
        try await sendQueuedMail(app)
        return try await OutboxMessage.query(on: app.db).filter(\.$recipient == workspace.ownerEmail).sort(\.$createdAt).all()
    }

    static func now(_ app: Application) -> Int { Int(app.clock.now().timeIntervalSince1970) }

    /// Posts `body` as Stripe would, signed now with the endpoint's secret unless told otherwise.
    @discardableResult
    static func deliver(
        _ app: Application, _ body: String, secret: String = webhookSecret, timestamp: Int? = nil,
        signature: String?? = nil
    ) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"]
        let header = signature ?? StripeWebhookSigner(secret: secret).header(payload: Array(body.utf8), timestamp: timestamp ?? now(app))
        if let header { headers.add(name: "Stripe-Signature", value: header) }
        return try await app.testing().sendRequest(.POST, SiteRoute.api(.billingWebhook).path, headers: headers, body: ByteBuffer(string: body))
    }

    static func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    // MARK: events

    static func envelope(id: String, type: String, created: Int, object: String) -> String {
        """
        {
          "id": "\(id)",
          "object": "event",
          "api_version": "\(apiVersion)",
          "created": \(created),
          "data": {
            "object": \(object)
          },
          "livemode": false,
          "pending_webhooks": 1,
          "request": {"id": null, "idempotency_key": null},
          "type": "\(type)"
        }
        """
    }

    static func subscription(
        _ type: String = "customer.subscription.updated", id: String = "evt_\(UUID().uuidString.prefix(12))", created: Int,
        customer: String, subscription: String, price: String = proMonthly, interval: String = "month",
        status: String = "active", cancelAtPeriodEnd: Bool = false, periodStart: Int = 1_796_083_200, periodEnd: Int = 1_798_761_600
    ) -> String {
        envelope(id: id, type: type, created: created, object: """
            {
              "id": "\(subscription)",
              "object": "subscription",
              "billing_cycle_anchor": \(periodStart),
              "cancel_at": null,
              "cancel_at_period_end": \(cancelAtPeriodEnd),
              "canceled_at": \(status == "canceled" ? String(created) : "null"),
              "collection_method": "charge_automatically",
              "created": \(periodStart),
              "currency": "eur",
              "customer": "\(customer)",
              "items": {
                "object": "list",
                "data": [
                  {
                    "id": "si_\(subscription.dropFirst(4))",
                    "object": "subscription_item",
                    "created": \(periodStart),
                    "current_period_end": \(periodEnd),
                    "current_period_start": \(periodStart),
                    "metadata": {},
                    "price": {
                      "id": "\(price)",
                      "object": "price",
                      "active": true,
                      "currency": "eur",
                      "product": "prod_BmmFakeProduct",
                      "recurring": {"interval": "\(interval)", "interval_count": 1, "usage_type": "licensed"},
                      "type": "recurring",
                      "unit_amount": 1900
                    },
                    "quantity": 1,
                    "subscription": "\(subscription)"
                  }
                ],
                "has_more": false,
                "url": "/v1/subscription_items?subscription=\(subscription)"
              },
              "latest_invoice": "in_BmmFakeLatest",
              "livemode": false,
              "metadata": {"workspace": "someone-elses-workspace"},
              "start_date": \(periodStart),
              "status": "\(status)"
            }
            """)
    }

    static func invoice(
        _ type: String, id: String = "evt_\(UUID().uuidString.prefix(12))", created: Int, customer: String, subscription: String,
        billingReason: String = "subscription_cycle", attemptCount: Int = 1, periodStart: Int = 1_798_761_600,
        periodEnd: Int = 1_801_440_000, invoiceID: String? = nil, amount: Int = 1900
    ) -> String {
        let paid = type == "invoice.paid"
        return envelope(id: id, type: type, created: created, object: """
            {
              "id": "\(invoiceID ?? "in_" + id.dropFirst(4))",
              "object": "invoice",
              "amount_due": \(amount),
              "amount_paid": \(paid ? amount : 0),
              "amount_remaining": \(paid ? 0 : amount),
              "attempt_count": \(attemptCount),
              "attempted": true,
              "billing_reason": "\(billingReason)",
              "collection_method": "charge_automatically",
              "created": \(created),
              "currency": "eur",
              "customer": "\(customer)",
              "hosted_invoice_url": "https://invoice.stripe.com/i/acct_BmmFake/test_x",
              "invoice_pdf": "https://pay.stripe.com/invoice/acct_BmmFake/test_x/pdf",
              "lines": {
                "object": "list",
                "data": [
                  {
                    "id": "il_BmmFake\(id.dropFirst(4))",
                    "object": "line_item",
                    "amount": 1900,
                    "currency": "eur",
                    "description": "1 × Pro (at €19.00 / month)",
                    "parent": {
                      "type": "subscription_item_details",
                      "subscription_item_details": {"proration": false, "subscription": "\(subscription)", "subscription_item": "si_x"}
                    },
                    "period": {"end": \(periodEnd), "start": \(periodStart)}
                  }
                ],
                "has_more": false
              },
              "livemode": false,
              "next_payment_attempt": \(paid ? "null" : String(created + 259_200)),
              "number": "BMM-0001",
              "parent": {
                "type": "subscription_details",
                "quote_details": null,
                "subscription_details": {"metadata": {}, "subscription": "\(subscription)"}
              },
              "period_end": \(periodStart),
              "period_start": \(periodStart - 2_678_400),
              "status": "\(paid ? "paid" : "open")",
              "total": 1900
            }
            """)
    }

    static func checkoutSession(
        _ type: String = "checkout.session.completed", id: String = "evt_\(UUID().uuidString.prefix(12))", created: Int,
        customer: String, clientReference: String, subscription: String, paymentStatus: String = "paid"
    ) -> String {
        envelope(id: id, type: type, created: created, object: """
            {
              "id": "cs_test_BmmFake\(id.dropFirst(4))",
              "object": "checkout.session",
              "client_reference_id": "\(clientReference)",
              "client_secret": null,
              "customer": "\(customer)",
              "livemode": false,
              "metadata": {"workspace": "\(clientReference)"},
              "mode": "subscription",
              "payment_status": "\(paymentStatus)",
              "status": "complete",
              "subscription": "\(subscription)",
              "ui_mode": "embedded_page",
              "url": null
            }
            """)
    }
}
