@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Billing webhook: subscriptions and checkout")
struct WebhookSubscriptionTests {
    typealias F = WebhookFixtures

    @Test("created sets the plan from the price and stores the item's period; deleted falls back to Hobby", arguments: TestDatabase.all)
    func lifecycle(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app)
            let now = F.now(app)

            // when
            let created = try await F.deliver(app, F.subscription(
                "customer.subscription.created", created: now, customer: workspace.customerID, subscription: "sub_BmmFakeA",
                price: F.teamYearly, interval: "year", cancelAtPeriodEnd: true, periodStart: 1_796_083_200, periodEnd: 1_827_619_200))

            // then
            #expect(created.status == .ok)
            #expect(try await F.organization(app, workspace).plan == "team")
            let row = try await F.row(app, workspace)
            #expect(row.stripeSubscriptionID == "sub_BmmFakeA")
            #expect(row.plan == "team")
            #expect(row.interval == "year")
            #expect(row.status == "active")
            #expect(row.cancelAtPeriodEnd)
            #expect(row.currentPeriodStart == Date(timeIntervalSince1970: 1_796_083_200))
            #expect(row.currentPeriodEnd == Date(timeIntervalSince1970: 1_827_619_200))
            #expect(row.stateEventCreated == Int64(now))

            // when
            let deleted = try await F.deliver(app, F.subscription(
                "customer.subscription.deleted", created: now + 5, customer: workspace.customerID, subscription: "sub_BmmFakeA",
                price: F.teamYearly, interval: "year", status: "canceled"))

            // then
            #expect(deleted.status == .ok)
            #expect(try await F.organization(app, workspace).plan == "hobby")
            #expect(try await F.row(app, workspace).status == "canceled")
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "billing.plan_changed").sort(\.$createdAt).all()
            #expect(audits.count == 2)
            #expect(audits.allSatisfy { $0.organizationID == workspace.organizationID && !$0.metadata.contains("whsec_") && !$0.metadata.contains("sk_") })
        }
    }

    @Test("statuses: past_due keeps the plan, incomplete changes nothing, unpaid falls back to Hobby", arguments: TestDatabase.all)
    func statuses(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app)
            let now = F.now(app)
            func send(_ status: String, at created: Int) async throws -> String {
                try await F.deliver(app, F.subscription(created: created, customer: workspace.customerID, subscription: "sub_BmmFakeA", status: status))
                return try await F.organization(app, workspace).plan
            }

            // when / then
            #expect(try await send("incomplete", at: now) == "hobby")
            #expect(try await send("active", at: now + 1) == "pro")
            #expect(try await send("past_due", at: now + 2) == "pro")
            #expect(try await send("incomplete", at: now + 3) == "pro")
            #expect(try await send("unpaid", at: now + 4) == "hobby")
        }
    }

    @Test("an update older than the applied state changes nothing; one from the same second applies", arguments: TestDatabase.all)
    func outOfOrder(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app)
            let now = F.now(app)
            let newer = F.subscription(created: now, customer: workspace.customerID, subscription: "sub_BmmFakeA", price: F.teamMonthly)
            let older = F.subscription(created: now - 30, customer: workspace.customerID, subscription: "sub_BmmFakeA",
                                       price: F.proMonthly, status: "canceled")

            // when
            _ = try await F.deliver(app, newer)
            let late = try await F.deliver(app, older)

            // then
            #expect(late.status == .ok)
            #expect(try F.json(late)["outcome"] as? String == "ignored")
            #expect(try await F.organization(app, workspace).plan == "team")
            #expect(try await F.row(app, workspace).status == "active")
            #expect(try await StripeEventRecord.query(on: app.db).count() == 2)

            // when
            _ = try await F.deliver(app, F.subscription(created: now, customer: workspace.customerID, subscription: "sub_BmmFakeA", price: F.proYearly, interval: "year"))

            // then
            #expect(try await F.organization(app, workspace).plan == "pro")
            #expect(try await F.row(app, workspace).interval == "year")
        }
    }

    @Test("in the same second, a late event cannot revive a canceled subscription or take an active one back to incomplete",
          arguments: TestDatabase.all)
    func sameSecondOutOfOrder(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given: Checkout's .created (incomplete) arrives after the .updated (active) of the same second
            let workspace = try await F.workspace(app)
            let now = F.now(app)
            _ = try await F.deliver(app, F.subscription(created: now, customer: workspace.customerID, subscription: "sub_BmmFakeA", price: F.teamMonthly))
            let created = try await F.deliver(app, F.subscription(
                "customer.subscription.created", created: now, customer: workspace.customerID, subscription: "sub_BmmFakeA",
                price: F.teamMonthly, status: "incomplete"))

            // then
            #expect(try F.json(created)["outcome"] as? String == "ignored")
            #expect(try await F.row(app, workspace).status == "active")
            #expect(try await F.organization(app, workspace).plan == "team")

            // when: it is deleted, and an .updated (active) of that same second arrives late
            _ = try await F.deliver(app, F.subscription(
                "customer.subscription.deleted", created: now + 9, customer: workspace.customerID, subscription: "sub_BmmFakeA",
                price: F.teamMonthly, status: "canceled"))
            let revived = try await F.deliver(app, F.subscription(created: now + 9, customer: workspace.customerID, subscription: "sub_BmmFakeA",
                                                                  price: F.teamMonthly))

            // then: still canceled, on Hobby
            #expect(try F.json(revived)["outcome"] as? String == "ignored")
            #expect(try await F.row(app, workspace).status == "canceled")
            #expect(try await F.organization(app, workspace).plan == "hobby")

            // and a new subscription of the same customer still applies
            _ = try await F.deliver(app, F.subscription(created: now + 20, customer: workspace.customerID, subscription: "sub_BmmFakeB", price: F.proMonthly))
            #expect(try await F.organization(app, workspace).plan == "pro")
            #expect(try await F.row(app, workspace).stripeSubscriptionID == "sub_BmmFakeB")
        }
    }

    @Test("a price no STRIPE_PRICE_* names changes no plan", arguments: TestDatabase.all)
    func unknownPrice(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app)

            // when
            let answer = try await F.deliver(app, F.subscription(
                "customer.subscription.created", created: F.now(app), customer: workspace.customerID, subscription: "sub_BmmFakeA",
                price: "price_1BmmFakeSomethingElse"))

            // then
            #expect(answer.status == .ok)
            #expect(try await F.organization(app, workspace).plan == "hobby")
            let row = try await F.row(app, workspace)
            #expect(row.plan == nil)
            #expect(row.status == "active")
        }
    }

    @Test("an event for a customer no workspace owns is recorded without effect", arguments: TestDatabase.all)
    func unknownCustomer(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app)

            // when
            let answer = try await F.deliver(app, F.subscription(
                "customer.subscription.created", id: "evt_BmmFakeStranger", created: F.now(app), customer: "cus_BmmFakeStranger",
                subscription: "sub_BmmFakeA"))

            // then
            #expect(answer.status == .ok)
            #expect(try await StripeEventRecord.find("evt_BmmFakeStranger", on: app.db) != nil)
            #expect(try await F.organization(app, workspace).plan == "hobby")
        }
    }

    @Test("checkout completion links the subscription only when the session's workspace owns its customer", arguments: TestDatabase.all)
    func checkoutCrossCheck(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app)
            let attacker = try await F.workspace(app)

            // when: a session for the attacker's customer that names the victim's workspace, and one for a stranger
            let mismatch = try await F.deliver(app, F.checkoutSession(
                created: F.now(app), customer: attacker.customerID, clientReference: workspace.organizationID.uuidString.lowercased(),
                subscription: "sub_BmmFakeAttacker"))
            let stranger = try await F.deliver(app, F.checkoutSession(
                created: F.now(app), customer: "cus_BmmFakeStranger", clientReference: workspace.organizationID.uuidString,
                subscription: "sub_BmmFakeStranger"))

            // then
            #expect(mismatch.status == .ok && stranger.status == .ok)
            #expect(try F.json(mismatch)["outcome"] as? String == "ignored")
            #expect(try await F.row(app, workspace).stripeSubscriptionID == nil)
            #expect(try await F.row(app, attacker).stripeSubscriptionID == nil)
            #expect(try await StripeEventRecord.query(on: app.db).count() == 2)

            // when
            let matching = try await F.deliver(app, F.checkoutSession(
                created: F.now(app), customer: workspace.customerID, clientReference: workspace.organizationID.uuidString.lowercased(),
                subscription: "sub_BmmFakeA"))

            // then
            #expect(try F.json(matching)["outcome"] as? String == "applied")
            #expect(try await F.row(app, workspace).stripeSubscriptionID == "sub_BmmFakeA")
            #expect(try await F.organization(app, workspace).plan == "hobby")
        }
    }

    @Test("a second live subscription of the customer (two checkouts paid at once) never replaces the one the workspace is on",
          arguments: TestDatabase.all)
    func secondSubscriptionIgnored(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given a workspace on Team through sub_A
            let workspace = try await F.workspace(app)
            let reference = workspace.organizationID.uuidString.lowercased()
            let now = F.now(app)
            _ = try await F.deliver(app, F.checkoutSession(created: now, customer: workspace.customerID, clientReference: reference,
                                                           subscription: "sub_BmmFakeA"))
            _ = try await F.deliver(app, F.subscription("customer.subscription.created", created: now, customer: workspace.customerID,
                                                        subscription: "sub_BmmFakeA", price: F.teamMonthly))
            #expect(try await F.organization(app, workspace).plan == "team")

            // when a second checkout's session and subscription (Pro, newer) arrive
            let session = try await F.deliver(app, F.checkoutSession(created: now + 5, customer: workspace.customerID,
                                                                     clientReference: reference, subscription: "sub_BmmFakeB"))
            let update = try await F.deliver(app, F.subscription(created: now + 6, customer: workspace.customerID, subscription: "sub_BmmFakeB",
                                                                 price: F.proMonthly))

            // then the workspace stays on sub_A and Team
            #expect(try F.json(session)["outcome"] as? String == "ignored")
            #expect(try F.json(update)["outcome"] as? String == "ignored")
            #expect(try await F.row(app, workspace).stripeSubscriptionID == "sub_BmmFakeA")
            #expect(try await F.organization(app, workspace).plan == "team")

            // and once sub_A has ended, a new subscription is taken up
            _ = try await F.deliver(app, F.subscription("customer.subscription.deleted", created: now + 10, customer: workspace.customerID,
                                                        subscription: "sub_BmmFakeA", price: F.teamMonthly, status: "canceled"))
            #expect(try await F.organization(app, workspace).plan == "hobby")
            _ = try await F.deliver(app, F.subscription("customer.subscription.created", created: now + 20, customer: workspace.customerID,
                                                        subscription: "sub_BmmFakeC", price: F.proMonthly))
            #expect(try await F.row(app, workspace).stripeSubscriptionID == "sub_BmmFakeC")
            #expect(try await F.organization(app, workspace).plan == "pro")
        }
    }

    @Test("subscribing again after the plan ended: the new checkout's session arriving before its subscription still gives the plan",
          arguments: TestDatabase.all)
    func resubscribeSessionFirst(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given a workspace whose Pro subscription was cancelled
            let workspace = try await F.workspace(app)
            let reference = workspace.organizationID.uuidString.lowercased()
            let now = F.now(app)
            _ = try await F.deliver(app, F.checkoutSession(created: now - 100, customer: workspace.customerID, clientReference: reference,
                                                           subscription: "sub_BmmFakeA"))
            _ = try await F.deliver(app, F.subscription("customer.subscription.created", created: now - 100, customer: workspace.customerID,
                                                        subscription: "sub_BmmFakeA", price: F.proMonthly))
            _ = try await F.deliver(app, F.subscription("customer.subscription.deleted", created: now - 50, customer: workspace.customerID,
                                                        subscription: "sub_BmmFakeA", price: F.proMonthly, status: "canceled"))
            #expect(try await F.organization(app, workspace).plan == "hobby")

            // when the owner checks out again and Stripe sends the session before the new subscription (the order is not guaranteed)
            let session = try await F.deliver(app, F.checkoutSession(created: now, customer: workspace.customerID, clientReference: reference,
                                                                     subscription: "sub_BmmFakeB"))
            let created = try await F.deliver(app, F.subscription("customer.subscription.created", created: now, customer: workspace.customerID,
                                                                  subscription: "sub_BmmFakeB", price: F.teamMonthly))

            // then the new subscription's state applies
            #expect(try F.json(session)["outcome"] as? String == "applied")
            #expect(try F.json(created)["outcome"] as? String == "applied")
            let row = try await F.row(app, workspace)
            #expect(row.stripeSubscriptionID == "sub_BmmFakeB" && row.status == "active")
            #expect(try await F.organization(app, workspace).plan == "team")

            // and a late event of the old subscription changes nothing
            let late = try await F.deliver(app, F.subscription(created: now + 1, customer: workspace.customerID, subscription: "sub_BmmFakeA",
                                                               price: F.proMonthly, status: "canceled"))
            #expect(try F.json(late)["outcome"] as? String == "ignored")
            #expect(try await F.organization(app, workspace).plan == "team")
        }
    }

    @Test("a subscription that ends lifts a billing suspension and starts the free plan's month of quota then", arguments: TestDatabase.all)
    func endingLiftsSuspension(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given a suspended Team workspace whose quota period began 31 days ago
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")
            let now = F.now(app)
            _ = try await F.deliver(app, F.subscription(created: now - 60, customer: workspace.customerID, subscription: "sub_BmmFakeA",
                                                        price: F.teamMonthly))
            for attempt in 1...3 {
                _ = try await F.deliver(app, F.invoice("invoice.payment_failed", created: now - 30, customer: workspace.customerID,
                                                       subscription: "sub_BmmFakeA", attemptCount: attempt, invoiceID: "in_BmmFakeOwed"))
            }
            let organization = try await F.organization(app, workspace)
            organization.quotaPeriodStart = Date(timeIntervalSince1970: TimeInterval(now - 31 * 86_400))
            try await organization.save(on: app.db)
            #expect(organization.billingSuspendedAt != nil)

            // when Stripe ends the subscription after its last retry
            let deleted = try await F.deliver(app, F.subscription("customer.subscription.deleted", created: now, customer: workspace.customerID,
                                                                  subscription: "sub_BmmFakeA", price: F.teamMonthly, status: "canceled"))

            // then the workspace is on Hobby, not suspended, and its month starts now
            #expect(deleted.status == .ok)
            let after = try await F.organization(app, workspace)
            #expect(after.plan == "hobby")
            #expect(after.billingSuspendedAt == nil)
            #expect(after.quotaPeriodStart == Date(timeIntervalSince1970: TimeInterval(now)))
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "billing.restored").count() == 1)
        }
    }

    @Test("SEPA: a failed debit leaves the plan and tells the owner; a cleared one lifts a billing suspension", arguments: TestDatabase.all)
    func asyncPayments(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app)
            let reference = workspace.organizationID.uuidString.lowercased()
            _ = try await F.deliver(app, F.checkoutSession(created: F.now(app), customer: workspace.customerID, clientReference: reference,
                                                           subscription: "sub_BmmFakeA", paymentStatus: "unpaid"))

            // when
            let failed = try await F.deliver(app, F.checkoutSession(
                "checkout.session.async_payment_failed", created: F.now(app), customer: workspace.customerID, clientReference: reference,
                subscription: "sub_BmmFakeA", paymentStatus: "unpaid"))

            // then
            #expect(failed.status == .ok)
            #expect(try await F.organization(app, workspace).plan == "hobby")
            let emails = try await F.emails(app, to: workspace)
            #expect(emails.count == 1)
            #expect(emails.first?.body.contains("SEPA Direct Debit") == true)
            #expect(emails.first?.body.contains(SiteRoute.billing(.overview).url(base: app.config.publicURL)) == true)

            // given
            let organization = try await F.organization(app, workspace)
            organization.billingSuspendedAt = app.clock.now()
            try await organization.save(on: app.db)

            // when
            let succeeded = try await F.deliver(app, F.checkoutSession(
                "checkout.session.async_payment_succeeded", created: F.now(app), customer: workspace.customerID, clientReference: reference,
                subscription: "sub_BmmFakeA"))

            // then
            #expect(succeeded.status == .ok)
            #expect(try await F.organization(app, workspace).billingSuspendedAt == nil)
            #expect(try await F.row(app, workspace).stripeSubscriptionID == "sub_BmmFakeA")
        }
    }
}
