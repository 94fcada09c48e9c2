import AsyncHTTPClient
import Billing
import Foundation
import StripeFake
import Testing

/// Paying on the local Stripe's Checkout page completes the session as Stripe does, so a browser test can go past
/// Checkout: the subscription and its paid invoice exist in the API, and the webhook events carry the same objects.
@Suite("The local Stripe completes a Checkout Session like Stripe")
struct FakeStripeCheckoutTests {
    @Test("paying creates the subscription and a paid invoice, retrievable through the API, and three events in order")
    func completes() async throws {
        let stripe = FakeStripe()
        try await withFakeStripe(stripe) { server, http in
            // given
            let client = try stripeClient(server, http)
            let session = try await client.createCheckoutSession(hostedCheckoutRequest, attempt: "1")

            // when
            let completion = try #require(stripe.completeCheckout(sessionID: session.id))

            // then
            #expect(completion.redirectURL == "https://bmm.example/settings/billing?checkout=done")
            let events = try completion.events.map { try StripeEvent.decode(Array($0.utf8)) }
            #expect(events.map(\.type) == ["checkout.session.completed", "customer.subscription.created", "invoice.paid"])
            guard case .checkoutSessionCompleted(let completed) = events[0].payload,
                case .subscriptionCreated(let created) = events[1].payload,
                case .invoicePaid(let paid) = events[2].payload
            else {
                Issue.record("unexpected payloads: \(events.map(\.payload))")
                return
            }
            #expect(completed.id == session.id)
            #expect(completed.customerID == "cus_seeded")
            #expect(completed.paymentStatus == "paid")
            #expect(completed.status == "complete")
            #expect(completed.subscriptionID == created.id)

            let live = try await client.subscription(id: created.id)
            #expect(live == created)
            #expect(live.status == "active" && !live.cancelAtPeriodEnd)
            #expect(live.priceID == "price_team_year" && live.customerID == "cus_seeded")
            let start = try #require(live.currentPeriodStart)
            let end = try #require(live.currentPeriodEnd)
            #expect(end - start >= 365 * 86_400 && end - start <= 366 * 86_400)

            let invoices = try await client.recentInvoices(customerID: "cus_seeded")
            #expect(invoices.first == paid, "the newest invoice is the one invoice.paid carried")
            #expect(paid.subscriptionID == created.id)
            #expect(paid.billingReason == "subscription_create")
            #expect(paid.status == "paid" && paid.total == 198_000)
            #expect(paid.invoicePDF != nil && paid.hostedInvoiceURL != nil)

            #expect(stripe.takeEvents() == completion.events, "queued for the webhook too")
            #expect(stripe.completeCheckout(sessionID: session.id) == nil, "a completed session cannot be paid again")
            #expect(stripe.completeCheckout(sessionID: "cs_test_missing") == nil)
        }
    }

    @Test("an embedded session returns to its return_url with the session id filled in")
    func embeddedReturn() async throws {
        let stripe = FakeStripe()
        try await withFakeStripe(stripe) { server, http in
            // given
            let session = try await stripeClient(server, http).createCheckoutSession(embeddedCheckoutRequest, attempt: "1")

            // when
            let completion = try #require(stripe.completeCheckout(sessionID: session.id))

            // then
            #expect(completion.redirectURL == "https://bmm.example/settings/billing?session=\(session.id)")
        }
    }

    @Test("an update through the API queues customer.subscription.updated with the new state; a no-op queues nothing")
    func updateEvents() async throws {
        let stripe = FakeStripe()
        try await withFakeStripe(stripe) { server, http in
            // given
            let client = try stripeClient(server, http)
            let session = try await client.createCheckoutSession(embeddedCheckoutRequest, attempt: "1")
            _ = try #require(stripe.completeCheckout(sessionID: session.id))
            let id = try #require(stripe.sessionObject(session.id)?["subscription"] as? String)
            _ = stripe.takeEvents()

            // when
            let cancelled = try await client.setCancelAtPeriodEnd(subscriptionID: id, true, attempt: "1")
            let cancelEvents = stripe.takeEvents()
            _ = try await client.setCancelAtPeriodEnd(subscriptionID: id, true, attempt: "2")
            let repeatEvents = stripe.takeEvents()

            // then
            #expect(cancelEvents.count == 1)
            let event = try StripeEvent.decode(Array(try #require(cancelEvents.first).utf8))
            #expect(event.type == "customer.subscription.updated")
            #expect(event.payload == .subscriptionUpdated(cancelled))
            #expect(cancelled.cancelAtPeriodEnd && cancelled.cancelAt == cancelled.currentPeriodEnd)
            #expect(repeatEvents.isEmpty)
        }
    }

    @Test("the webhook signature is Stripe's: the app's verifier accepts it, and refuses it under another secret")
    func signature() throws {
        // given
        let payload = #"{"id":"evt_1","object":"event"}"#
        let header = FakeStripeWebhook.signatureHeader(payload: payload, secret: "whsec_BmmFakeJourney", timestamp: 1_764_000_000)
        let now = Date(timeIntervalSince1970: 1_764_000_010)

        // when / then
        try StripeWebhookVerifier(secret: "whsec_BmmFakeJourney").verify(payload: Array(payload.utf8), header: header, now: now)
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try StripeWebhookVerifier(secret: "whsec_BmmFakeOther").verify(payload: Array(payload.utf8), header: header, now: now)
        }
        #expect(StripeWebhookSigner(secret: "whsec_BmmFakeJourney").header(payload: Array(payload.utf8), timestamp: 1_764_000_000) == header)
    }
}
