@testable import App
import Billing
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Billing webhook: signatures and availability")
struct WebhookSignatureTests {
    typealias F = WebhookFixtures

    @Test("a delivery that Stripe did not sign for this endpoint is refused with 400 and stores nothing", arguments: TestDatabase.all)
    func refusals(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given: time stands still, so a timestamp 301 s away stays 301 s away however long a loaded machine takes
            app.clock = TestClock().clock
            let workspace = try await F.workspace(app)
            let body = F.subscription("customer.subscription.created", created: F.now(app), customer: workspace.customerID, subscription: "sub_BmmFakeA")
            let tampered = body.replacingOccurrences(of: F.proMonthly, with: F.teamYearly)
            let signedForBody = StripeWebhookSignerHeader.make(body, secret: F.webhookSecret, timestamp: F.now(app))

            // when
            let answers: [(String, TestingHTTPResponse)] = [
                ("stale", try await F.deliver(app, body, timestamp: F.now(app) - 301)),
                ("future", try await F.deliver(app, body, timestamp: F.now(app) + 301)),
                ("wrong secret", try await F.deliver(app, body, secret: "whsec_BmmFakeSomeOtherEndpoint")),
                ("tampered", try await F.deliver(app, tampered, signature: .some(signedForBody))),
                ("missing header", try await F.deliver(app, body, signature: .some(nil))),
                ("garbage header", try await F.deliver(app, body, signature: .some("v1=abc"))),
            ]

            // then
            for (name, answer) in answers {
                #expect(answer.status == .badRequest, "\(name)")
                let json = try F.json(answer)
                #expect(json["error"] as? String == "invalid_signature", "\(name)")
                let message = json["message"] as? String ?? ""
                #expect(!message.isEmpty && !message.contains(F.webhookSecret) && !message.contains("whsec_"), "\(name): \(message)")
            }
            #expect(try F.json(answers[0].1)["message"] as? String == "The signature's timestamp is more than 5 minutes away from now.")
            #expect(try F.json(answers[2].1)["message"] as? String == "No signature matches this body with the endpoint's secret.")
            #expect(try await StripeEventRecord.query(on: app.db).count() == 0)
            #expect(try await F.organization(app, workspace).plan == "hobby")
        }
    }

    @Test("a timestamp just inside the tolerance is accepted", arguments: TestDatabase.all)
    func tolerance(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            app.clock = TestClock().clock
            let workspace = try await F.workspace(app)
            let body = F.subscription("customer.subscription.created", created: F.now(app), customer: workspace.customerID, subscription: "sub_BmmFakeA")

            // when
            let answer = try await F.deliver(app, body, timestamp: F.now(app) - 299)

            // then
            #expect(answer.status == .ok)
            #expect(try await F.organization(app, workspace).plan == "pro")
        }
    }

    @Test("a signed body that is not an event answers 400 malformed_event", arguments: TestDatabase.all)
    func malformed(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // when
            let notJSON = try await F.deliver(app, "{\"id\": \"evt_1\", ")
            let badObject = try await F.deliver(app, F.envelope(id: "evt_BmmFakeBad", type: "invoice.paid", created: F.now(app), object: "[]"))

            // then
            for answer in [notJSON, badObject] {
                #expect(answer.status == .badRequest)
                #expect(try F.json(answer)["error"] as? String == "malformed_event")
            }
            #expect(try await StripeEventRecord.query(on: app.db).count() == 0)
        }
    }

    @Test("a body over 256 KB answers 413", arguments: TestDatabase.all)
    func tooLarge(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // when
            let answer = try await F.deliver(app, String(repeating: " ", count: 300 * 1024))

            // then
            #expect(answer.status == .payloadTooLarge)
        }
    }

    @Test("billing off answers 404 billing_off; billing on without a webhook secret answers 503", arguments: TestDatabase.all)
    func availability(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // when
            let answer = try await F.deliver(app, F.envelope(id: "evt_BmmFakeOff", type: "invoice.paid", created: F.now(app), object: "{}"))

            // then
            #expect(answer.status == .notFound)
            #expect(try F.json(answer)["error"] as? String == "billing_off")
        }
        try await withConfiguredApp(try F.config(database, webhookSecret: nil)) { app in
            // when
            let answer = try await F.deliver(app, F.envelope(id: "evt_BmmFakeNoSecret", type: "invoice.paid", created: F.now(app), object: "{}"))

            // then
            #expect(answer.status == .serviceUnavailable)
            #expect(try F.json(answer)["error"] as? String == "webhook_not_configured")
        }
    }

    @Test("a delivery carrying a browser's cookies needs no CSRF token: it is judged by its signature alone", arguments: TestDatabase.all)
    func noCSRF(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app)
            let body = F.subscription("customer.subscription.created", created: F.now(app), customer: workspace.customerID, subscription: "sub_BmmFakeA")
            let headers: HTTPHeaders = [
                "Content-Type": "application/json", "Cookie": "bmm_csrf=abc",
                "Stripe-Signature": StripeWebhookSignerHeader.make(body, secret: F.webhookSecret, timestamp: F.now(app)),
            ]

            // when
            let answer = try await app.testing().sendRequest(.POST, SiteRoute.api(.billingWebhook).path, headers: headers, body: ByteBuffer(string: body))

            // then
            #expect(answer.status == .ok)
        }
    }
}

/// The header Stripe would send for `body`.
enum StripeWebhookSignerHeader {
    static func make(_ body: String, secret: String, timestamp: Int) -> String {
        StripeWebhookSigner(secret: secret).header(payload: Array(body.utf8), timestamp: timestamp)
    }
}
