@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Billing webhook: invoices, quota period and suspension")
struct WebhookInvoiceTests {
    typealias F = WebhookFixtures

    @Test("a paid renewal starts the quota period at the line's period start; other paid invoices do not", arguments: TestDatabase.all)
    func quotaPeriod(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")

            // when
            _ = try await F.deliver(app, F.invoice("invoice.paid", created: F.now(app), customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", billingReason: "subscription_update", periodStart: 1_796_083_200))
            _ = try await F.deliver(app, F.invoice("invoice.paid", created: F.now(app), customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", billingReason: "subscription_create", periodStart: 1_796_083_200))

            // then
            #expect(try await F.organization(app, workspace).quotaPeriodStart == nil)

            // when
            let renewal = try await F.deliver(app, F.invoice("invoice.paid", created: F.now(app), customer: workspace.customerID,
                                                             subscription: "sub_BmmFakeA", billingReason: "subscription_cycle", periodStart: 1_798_761_600))
            // a late delivery of the previous renewal
            _ = try await F.deliver(app, F.invoice("invoice.paid", created: F.now(app) - 2_678_400, customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", billingReason: "subscription_cycle", periodStart: 1_796_083_200))

            // then
            #expect(renewal.status == .ok)
            #expect(try await F.organization(app, workspace).quotaPeriodStart == Date(timeIntervalSince1970: 1_798_761_600))
        }
    }

    @Test("the payment-failed email is queued with the event: the webhook answers without the mail provider, which gets it after", arguments: TestDatabase.all)
    func mailQueued(database: TestDatabase) async throws {
        try await withPostmarkStandIn(answering: [.serviceUnavailable, .ok]) { provider in
        try await withConfiguredApp(try F.config(database, environment: provider.environment)) { app in
            // given
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")
            _ = try await F.deliver(app, F.subscription(created: F.now(app) - 60, customer: workspace.customerID, subscription: "sub_BmmFakeA"))

            // when
            let failed = try await F.deliver(app, F.invoice("invoice.payment_failed", created: F.now(app), customer: workspace.customerID,
                                                            subscription: "sub_BmmFakeA", attemptCount: 1))

            // then: answered and applied, the provider not called, the email waiting
            #expect(failed.status == .ok)
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 1)
            #expect(provider.received.isEmpty)
            let queued = try await QueuedEmail.query(on: app.db).all()
            #expect(queued.map(\.recipient) == [workspace.ownerEmail])
            #expect(queued.first?.subject.contains("Payment failed") == true)

            // when: the provider is down at the first attempt and up at the next
            #expect(try await sendQueuedMail(app) == 0)
            let clock = TestClock()
            clock.advance(MailRetry.delays[0] + 1)
            app.clock = clock.clock
            #expect(try await sendQueuedMail(app) == 1)

            // then
            #expect(provider.received.count == 2)
            #expect(provider.received.last?["To"] == workspace.ownerEmail)
            #expect(provider.received.last?["TextBody"]?.contains("attempt 1") == true)
            #expect(try await QueuedEmail.query(on: app.db).count() == 0)
        }
        }
    }

    @Test("failed attempts 1 and 2 email the owner; the 3rd suspends; a paid invoice restores", arguments: TestDatabase.all)
    func suspension(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")
            _ = try await F.deliver(app, F.subscription(created: F.now(app) - 60, customer: workspace.customerID, subscription: "sub_BmmFakeA"))
            // one invoice, retried
            func fail(_ attempt: Int) async throws -> TestingHTTPResponse {
                try await F.deliver(app, F.invoice("invoice.payment_failed", created: F.now(app), customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", attemptCount: attempt, invoiceID: "in_BmmFakeRenewal"))
            }

            // when
            _ = try await fail(1)
            _ = try await fail(2)

            // then
            #expect(try await F.organization(app, workspace).billingSuspendedAt == nil)
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 2)
            var emails = try await F.emails(app, to: workspace)
            #expect(emails.count == 2)
            let billingURL = SiteRoute.billing(.overview).url(base: app.config.publicURL)
            for email in emails {
                #expect(email.subject?.contains("Payment failed") == true)
                #expect(email.body.contains(billingURL))
                #expect(email.body.contains("Pro plan"))
                #expect(!email.body.contains("4242") && !email.body.contains("IBAN"))
            }
            #expect(emails[1].body.contains("attempt 2"))

            // when
            let third = try await fail(3)

            // then
            #expect(third.status == .ok)
            #expect(try await F.organization(app, workspace).billingSuspendedAt != nil)
            #expect(try await F.organization(app, workspace).plan == "pro")
            emails = try await F.emails(app, to: workspace)
            #expect(emails.count == 3)
            #expect(emails[2].body.contains("paused") && emails[2].body.contains("keep serving"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "billing.suspended").count() == 1)

            // when another invoice is paid meanwhile (a plan change's €0 one): the failed one is still owed
            let other = try await F.deliver(app, F.invoice("invoice.paid", created: F.now(app) + 10, customer: workspace.customerID,
                                                           subscription: "sub_BmmFakeA", billingReason: "subscription_update", amount: 0))
            #expect(other.status == .ok)
            #expect(try await F.organization(app, workspace).billingSuspendedAt != nil)
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 3)

            // when the failed invoice itself is paid
            let paid = try await F.deliver(app, F.invoice("invoice.paid", created: F.now(app), customer: workspace.customerID,
                                                          subscription: "sub_BmmFakeA", billingReason: "manual", invoiceID: "in_BmmFakeRenewal"))

            // then
            #expect(paid.status == .ok)
            #expect(try await F.organization(app, workspace).billingSuspendedAt == nil)
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "billing.restored").count() == 1)
        }
    }

    @Test("a plan change's invoice paid between a renewal's failed attempts does not hide the later attempts", arguments: TestDatabase.all)
    func planChangeBetweenAttempts(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given a renewal whose first attempt failed
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")
            _ = try await F.deliver(app, F.subscription(created: F.now(app) - 60, customer: workspace.customerID, subscription: "sub_BmmFakeA"))
            // Stripe retries the same invoice: every attempt's payload has the renewal's own `created`.
            let renewalCreated = F.now(app)
            func fail(_ attempt: Int) async throws -> TestingHTTPResponse {
                try await F.deliver(app, F.invoice("invoice.payment_failed", created: renewalCreated, customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", attemptCount: attempt, invoiceID: "in_BmmFakeRenewal"))
            }
            _ = try await fail(1)

            // when a plan change's €0 invoice, made after the renewal, is paid, and Stripe retries the renewal twice more
            _ = try await F.deliver(app, F.invoice("invoice.paid", created: renewalCreated + 20, customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", billingReason: "subscription_update", amount: 0))
            let second = try await fail(2)
            let third = try await fail(3)

            // then both attempts count: the owner hears of each, and the third suspends
            #expect(try F.json(second)["outcome"] as? String == "applied")
            #expect(try F.json(third)["outcome"] as? String == "applied")
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 3)
            #expect(try await F.organization(app, workspace).billingSuspendedAt != nil)
            #expect(try await F.emails(app, to: workspace).count == 3)

            // and a late copy of a failure after the renewal itself was paid is still history
            _ = try await F.deliver(app, F.invoice("invoice.paid", created: renewalCreated, customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", billingReason: "subscription_cycle", invoiceID: "in_BmmFakeRenewal"))
            let late = try await fail(3)
            #expect(try F.json(late)["outcome"] as? String == "ignored")
            #expect(try await F.organization(app, workspace).billingSuspendedAt == nil)
        }
    }

    @Test("last month's invoice paid late does not lift the suspension this month's failures caused", arguments: TestDatabase.all)
    func latePaidOlderInvoice(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")
            let now = F.now(app)
            for attempt in 1...3 {
                _ = try await F.deliver(app, F.invoice("invoice.payment_failed", created: now, customer: workspace.customerID,
                                                       subscription: "sub_BmmFakeA", attemptCount: attempt, invoiceID: "in_BmmFakeThisMonth"))
            }
            #expect(try await F.organization(app, workspace).billingSuspendedAt != nil)

            // when
            let late = try await F.deliver(app, F.invoice("invoice.paid", created: now - 2_678_400, customer: workspace.customerID,
                                                          subscription: "sub_BmmFakeA", billingReason: "subscription_cycle",
                                                          periodStart: 1_796_083_200))

            // then
            #expect(late.status == .ok)
            #expect(try await F.organization(app, workspace).billingSuspendedAt != nil)
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 3)

            // when
            _ = try await F.deliver(app, F.invoice("invoice.paid", created: now, customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", billingReason: "subscription_cycle",
                                                   invoiceID: "in_BmmFakeThisMonth"))

            // then
            #expect(try await F.organization(app, workspace).billingSuspendedAt == nil)
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 0)
        }
    }

    @Test("Stripe voiding or writing off the failed invoice lifts the suspension; another invoice's does not", arguments: TestDatabase.all,
          ["invoice.voided", "invoice.marked_uncollectible"])
    func forgivenInvoice(database: TestDatabase, type: String) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given a suspension for one invoice's failures
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")
            let now = F.now(app)
            for attempt in 1...3 {
                _ = try await F.deliver(app, F.invoice("invoice.payment_failed", created: now, customer: workspace.customerID,
                                                       subscription: "sub_BmmFakeA", attemptCount: attempt, invoiceID: "in_BmmFakeOwed"))
            }
            #expect(try await F.organization(app, workspace).billingSuspendedAt != nil)

            // when another invoice is voided, nothing changes; when the owed one is, the suspension goes
            #expect(try await F.deliver(app, F.invoice(type, created: now + 5, customer: workspace.customerID,
                                                       subscription: "sub_BmmFakeA", invoiceID: "in_BmmFakeOther")).status == .ok)
            #expect(try await F.organization(app, workspace).billingSuspendedAt != nil)
            #expect(try await F.deliver(app, F.invoice(type, created: now + 6, customer: workspace.customerID,
                                                       subscription: "sub_BmmFakeA", invoiceID: "in_BmmFakeOwed")).status == .ok)

            // then
            #expect(try await F.organization(app, workspace).billingSuspendedAt == nil)
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "billing.restored").count() == 1)
        }
    }

    @Test("a failure delivered after its invoice was paid counts nothing and suspends nothing; a newer invoice's does", arguments: TestDatabase.all)
    func lateFailureOfAPaidInvoice(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given this month's invoice paid
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")
            let now = F.now(app)
            _ = try await F.deliver(app, F.invoice("invoice.paid", created: now, customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", billingReason: "subscription_cycle"))

            // when its third failed attempt (from before the payment) arrives late
            let late = try await F.deliver(app, F.invoice("invoice.payment_failed", created: now, customer: workspace.customerID,
                                                          subscription: "sub_BmmFakeA", attemptCount: 3))

            // then
            #expect(late.status == .ok)
            #expect(try await F.organization(app, workspace).billingSuspendedAt == nil)
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 0)
            #expect(try await F.emails(app, to: workspace).isEmpty)

            // when next month's invoice fails
            _ = try await F.deliver(app, F.invoice("invoice.payment_failed", created: now + 2_678_400, customer: workspace.customerID,
                                                   subscription: "sub_BmmFakeA", attemptCount: 1))

            // then it counts
            #expect(try await F.row(app, workspace).failedPaymentAttempts == 1)
            #expect(try await F.emails(app, to: workspace).count == 1)
        }
    }

    @Test("an invoice for another subscription of the customer changes nothing", arguments: TestDatabase.all)
    func otherSubscription(database: TestDatabase) async throws {
        try await withConfiguredApp(try F.config(database)) { app in
            // given
            let workspace = try await F.workspace(app, subscriptionID: "sub_BmmFakeA")

            // when
            let answer = try await F.deliver(app, F.invoice("invoice.payment_failed", created: F.now(app), customer: workspace.customerID,
                                                            subscription: "sub_BmmFakeOld", attemptCount: 3))

            // then
            #expect(answer.status == .ok)
            #expect(try await F.organization(app, workspace).billingSuspendedAt == nil)
            #expect(try await F.emails(app, to: workspace).isEmpty)
        }
    }
}
