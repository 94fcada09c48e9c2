@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Billing webhook: once-only delivery and rollback")
struct WebhookDeliveryTests {
    typealias F = WebhookFixtures

    @Test("a second delivery of an event answers 200 duplicate and changes nothing", arguments: TestDatabase.all)
    func duplicate(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")
            let body = F.invoice("invoice.payment_failed", created: F.now(app), customer: workspace.customerID,
                                 subscription: "sub_BmmFakeA", attemptCount: 1)
            let first = try await F.deliver(app, body)

            // when
            let second = try await F.deliver(app, body)

            // then
            #expect(first.status == .ok)
            #expect(try F.json(first)["outcome"] as? String == "applied")
            #expect(second.status == .ok)
            #expect(try F.json(second)["outcome"] as? String == "duplicate")
            #expect(try await F.emails(app, to: workspace).count == 1)
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 1)
            #expect(try await StripeEventRecord.query(on: app.db).count() == 1)
        }
    }

    @Test("concurrent deliveries of one event apply it once", arguments: TestDatabase.all)
    func concurrentDuplicates(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")
            let body = F.invoice("invoice.payment_failed", created: F.now(app), customer: workspace.customerID,
                                 subscription: "sub_BmmFakeA", attemptCount: 1)

            // when
            let outcomes = try await withThrowingTaskGroup(of: (HTTPStatus, String?).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let answer = try await F.deliver(app, body)
                        return (answer.status, try F.json(answer)["outcome"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            // then
            #expect(outcomes.allSatisfy { $0.0 == .ok }, "\(outcomes)")
            #expect(outcomes.filter { $0.1 == "applied" }.count == 1, "\(outcomes)")
            #expect(try await F.emails(app, to: workspace).count == 1)
            #expect(try await StripeEventRecord.query(on: app.db).count() == 1)
        }
    }

    @Test("a handler that fails rolls back its effect and the event id, answers 500, and Stripe's retry applies it", arguments: TestDatabase.all)
    func rollback(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given: another workspace's row already holds the subscription the event names, so saving it on this
            // workspace's row breaks the unique constraint inside the transaction, after the event id was written
            let workspace = try await F.workspace(app)
            let other = try await F.workspace(app, subscriptionID: "sub_BmmFakeShared")
            let body = F.subscription("customer.subscription.created", id: "evt_BmmFakeRollback", created: F.now(app),
                                      customer: workspace.customerID, subscription: "sub_BmmFakeShared", price: F.teamMonthly)

            // when
            let failed = try await F.deliver(app, body)

            // then
            #expect(failed.status == .internalServerError)
            #expect(try F.json(failed)["error"] as? String == "webhook_failed")
            #expect(try await StripeEventRecord.find("evt_BmmFakeRollback", on: app.db) == nil)
            #expect(try await F.organization(app, workspace).plan == "hobby")
            #expect(try await F.row(app, workspace).stripeSubscriptionID == nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "billing.plan_changed").count() == 0)

            // when: the conflict is gone and Stripe retries the same event
            let otherRow = try await F.row(app, other)
            otherRow.stripeSubscriptionID = nil
            try await otherRow.save(on: app.db)
            let retried = try await F.deliver(app, body)

            // then
            #expect(retried.status == .ok)
            #expect(try F.json(retried)["outcome"] as? String == "applied")
            #expect(try await StripeEventRecord.find("evt_BmmFakeRollback", on: app.db) != nil)
            #expect(try await F.organization(app, workspace).plan == "team")
        }
    }

    @Test("an event type billing does not handle is recorded and answered 200", arguments: TestDatabase.all)
    func unknownType(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // when
            let answer = try await F.deliver(app, F.envelope(id: "evt_BmmFakeOther", type: "customer.tax_id.created", created: F.now(app),
                                                            object: #"{"id": "txi_1", "object": "tax_id"}"#))

            // then
            #expect(answer.status == .ok)
            #expect(try F.json(answer)["outcome"] as? String == "ignored")
            #expect(try await StripeEventRecord.find("evt_BmmFakeOther", on: app.db)?.type == "customer.tax_id.created")
        }
    }

    @Test("a signed thin event is answered 200 ignored (so Stripe does not retry it for days) and changes nothing", arguments: TestDatabase.all)
    func thinEvent(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // when
            let body = #"{"id":"evt_BmmFakeThin","object":"v2.core.event","type":"v1.customer.subscription.updated","created":"2026-12-05T10:00:00.000Z","related_object":{"id":"sub_1","type":"subscription","url":"/v1/subscriptions/sub_1"}}"#
            let answer = try await F.deliver(app, body)
            let unsigned = try await F.deliver(app, body, signature: .some(nil))

            // then
            #expect(answer.status == .ok)
            #expect(try F.json(answer)["outcome"] as? String == "ignored")
            #expect(unsigned.status == .badRequest, "the signature is still checked first")
            #expect(try await StripeEventRecord.query(on: app.db).count() == 0)
        }
    }
}
