import AsyncHTTPClient
import Billing
import Core
import Foundation
import StripeFake
import Testing

@Suite("Stripe client against a local Stripe")
struct StripeClientTests {
    @Test("every request carries the bearer key and the pinned version; every POST an idempotency key")
    func headers() async throws {
        try await withFakeStripe { server, http in
            // given a client
            let client = try stripeClient(server, http)
            // when it makes a GET and a POST
            _ = try await client.subscription(id: "sub_seeded")
            _ = try await client.createPortalSession(
                customerID: "cus_seeded", returnURL: "https://bmm.example/settings/billing", attempt: "1")
            // then both authenticate and pin the version, and only the POST has an idempotency key
            let requests = server.requests
            #expect(requests.count == 2)
            for request in requests {
                #expect(request.header("Authorization") == "Bearer \(FakeStripe.secretKey)")
                #expect(request.header("Stripe-Version") == "2026-10-28.endive")
            }
            #expect(requests[0].method == .GET && requests[0].header("Idempotency-Key") == nil)
            #expect(requests[1].method == .POST && requests[1].header("Idempotency-Key")?.hasPrefix("bmm_") == true)
            #expect(requests[1].header("Content-Type") == "application/x-www-form-urlencoded")
        }
    }

    @Test("embedded checkout: ui_mode embedded_page with return_url answers a client secret")
    func embeddedCheckout() async throws {
        try await withFakeStripe { server, http in
            // given a client
            let client = try stripeClient(server, http)
            // when it opens an embedded subscription checkout
            let session = try await client.createCheckoutSession(Self.embedded, attempt: "click-1")
            // then Stripe accepted every parameter and answered with a client secret and no URL
            #expect(session.clientSecret?.hasPrefix(session.id + "_secret_") == true)
            #expect(session.url == nil)
            #expect(session.uiMode == "embedded_page")
            #expect(session.clientReferenceID == "ws_1")
            #expect(session.customerID == "cus_seeded")
            #expect(session.metadata["workspace"] == "ws_1")
            // and the body is the documented one
            let request = try #require(server.requests.last)
            #expect(request.path == "/v1/checkout/sessions")
            let fields = Dictionary(request.parameters, uniquingKeysWith: { first, _ in first })
            #expect(fields["mode"] == "subscription")
            #expect(fields["ui_mode"] == "embedded_page")
            #expect(fields["return_url"] == "https://bmm.example/settings/billing?session={CHECKOUT_SESSION_ID}")
            #expect(fields["success_url"] == nil && fields["cancel_url"] == nil)
            #expect(fields["line_items[0][price]"] == "price_pro_month")
            #expect(fields["line_items[0][quantity]"] == "1")
            #expect(fields["automatic_tax[enabled]"] == "true")
            #expect(fields["tax_id_collection[enabled]"] == "true")
            #expect(fields["billing_address_collection"] == "required")
            #expect(fields["allowed_payment_method_types[0]"] == "card")
            #expect(fields["allowed_payment_method_types[1]"] == "sepa_debit")
            #expect(fields["client_reference_id"] == "ws_1")
            #expect(fields["customer"] == "cus_seeded")
            #expect(fields["metadata[workspace]"] == "ws_1")
            #expect(!request.parameters.contains { $0.0.hasPrefix("payment_method_types") })
        }
    }

    @Test("hosted checkout: ui_mode hosted_page with success and cancel URLs answers a URL")
    func hostedCheckout() async throws {
        try await withFakeStripe { server, http in
            let client = try stripeClient(server, http)
            // when it opens a hosted checkout
            let session = try await client.createCheckoutSession(Self.hosted, attempt: "form-1")
            // then the answer is a URL to redirect to, and no client secret
            #expect(session.url?.hasPrefix("https://checkout.stripe.com/c/pay/") == true)
            #expect(session.clientSecret == nil)
            let request = try #require(server.requests.last)
            #expect(request.parameter("ui_mode") == "hosted_page")
            #expect(request.parameter("success_url") == "https://bmm.example/settings/billing?checkout=done")
            #expect(request.parameter("cancel_url") == "https://bmm.example/settings/billing?checkout=cancelled")
            #expect(request.parameter("return_url") == nil)
            #expect(request.parameter("line_items[0][price]") == "price_team_year")
        }
    }

    @Test("a retry with the same inputs sends the same Idempotency-Key and gets the first session back")
    func retryReusesKey() async throws {
        try await withFakeStripe { server, http in
            // given a client
            let client = try stripeClient(server, http)
            // when the same checkout is requested twice (a double click, a retry after a lost answer)
            let first = try await client.createCheckoutSession(Self.embedded, attempt: "click-1")
            let second = try await client.createCheckoutSession(Self.embedded, attempt: "click-1")
            // then both carried one key, Stripe replayed the first answer, and only one session exists
            let keys = server.requests.map { $0.header("Idempotency-Key") }
            #expect(keys.count == 2 && keys[0] != nil && keys[0] == keys[1])
            #expect(first == second)
            #expect(server.stripe.sessionCount == 1)
            // and a new attempt is a new request
            let third = try await client.createCheckoutSession(Self.embedded, attempt: "click-2")
            #expect(server.requests.last?.header("Idempotency-Key") != keys[0])
            #expect(third.id != first.id)
            // and other inputs give another key
            _ = try await client.createCheckoutSession(Self.hosted, attempt: "click-1")
            #expect(Set(server.requests.map { $0.header("Idempotency-Key") }).count == 3)
        }
    }

    @Test("after a timeout the retry sends the same Idempotency-Key")
    func retryAfterTimeout() async throws {
        let stripe = FakeStripe()
        stripe.enqueue(.hang)
        try await withFakeStripe(stripe) { server, http in
            // given a Stripe that swallows the first request
            let impatient = try stripeClient(server, http, timeout: .milliseconds(300))
            // when the first call times out and the caller tries again (with a deadline a busy machine always meets)
            let error = await stripeError { _ = try await impatient.createCheckoutSession(Self.embedded, attempt: "a") }
            let session = try await stripeClient(server, http).createCheckoutSession(Self.embedded, attempt: "a")
            // then the retry succeeded under the same key
            #expect(error == .timeout)
            #expect(session.clientSecret != nil)
            let keys = server.requests.map { $0.header("Idempotency-Key") }
            #expect(keys.count == 2 && keys[0] == keys[1])
        }
    }

    @Test("customers are created with the workspace in metadata and updated by id")
    func customers() async throws {
        try await withFakeStripe { server, http in
            let client = try stripeClient(server, http)
            // when a customer is created and renamed
            let created = try await client.createCustomer(
                workspaceID: "ws_9", email: "a+b@example.com", name: "Ünïcode & Co", attempt: "1")
            let updated = try await client.updateCustomer(id: created.id, email: nil, name: "Renamed", attempt: "1")
            // then Stripe stored what was sent, decoded percent-encoding included
            #expect(created.id.hasPrefix("cus_"))
            #expect(created.email == "a+b@example.com")
            #expect(created.name == "Ünïcode & Co")
            #expect(created.metadata == ["workspace": "ws_9"])
            #expect(updated.name == "Renamed" && updated.email == "a+b@example.com")
            #expect(server.requests.last?.path == "/v1/customers/\(created.id)")
            #expect(server.requests.last?.parameters.map(\.0) == ["name"])
        }
    }

    @Test("the portal session answers the URL to send the owner to")
    func portal() async throws {
        try await withFakeStripe { server, http in
            let client = try stripeClient(server, http)
            let portal = try await client.createPortalSession(
                customerID: "cus_seeded", returnURL: "https://bmm.example/settings/billing", attempt: "1")
            #expect(portal.url.hasPrefix("https://billing.stripe.com/p/session/"))
            #expect(server.requests.last?.parameter("return_url") == "https://bmm.example/settings/billing")
        }
    }

    @Test("a subscription's period is read from its item")
    func subscriptionPeriod() async throws {
        try await withFakeStripe { server, http in
            let client = try stripeClient(server, http)
            let subscription = try await client.subscription(id: "sub_seeded")
            #expect(subscription.status == "active")
            #expect(subscription.customerID == "cus_seeded")
            #expect(subscription.item?.id == "si_seeded")
            #expect(subscription.priceID == "price_pro_month")
            #expect(subscription.item?.interval == "month")
            #expect(subscription.currentPeriodStart == FakeStripe.periodStart)
            #expect(subscription.currentPeriodEnd == FakeStripe.periodEnd)
            #expect(server.requests.last?.path == "/v1/subscriptions/sub_seeded")
        }
    }

    @Test("a plan change moves the single item to the new price with prorations")
    func changePrice() async throws {
        try await withFakeStripe { server, http in
            let client = try stripeClient(server, http)
            // when the Pro subscription moves to Team yearly
            let change = PriceChange(
                customerID: "cus_seeded", subscriptionID: "sub_seeded", itemID: "si_seeded",
                priceID: "price_team_year", prorationDate: 1_764_460_800)
            let updated = try await client.changePrice(change, attempt: "1")
            // then Stripe has the new price on the same item
            #expect(updated.priceID == "price_team_year")
            #expect(updated.item?.id == "si_seeded")
            #expect(updated.item?.interval == "year")
            let request = try #require(server.requests.last)
            #expect(
                request.parameters.map(\.0) == [
                    "items[0][id]", "items[0][price]", "proration_behavior", "proration_date",
                ])
            #expect(request.parameter("proration_behavior") == "create_prorations")
        }
    }

    @Test("cancel at period end and reactivate")
    func cancelAndReactivate() async throws {
        try await withFakeStripe { server, http in
            let client = try stripeClient(server, http)
            let cancelled = try await client.setCancelAtPeriodEnd(subscriptionID: "sub_seeded", true, attempt: "1")
            #expect(cancelled.cancelAtPeriodEnd)
            #expect(cancelled.cancelAt == FakeStripe.periodEnd)
            #expect(server.requests.last?.bodyText == "cancel_at_period_end=true")
            let reactivated = try await client.setCancelAtPeriodEnd(subscriptionID: "sub_seeded", false, attempt: "1")
            #expect(!reactivated.cancelAtPeriodEnd)
            #expect(reactivated.cancelAt == nil)
            #expect(server.requests.last?.bodyText == "cancel_at_period_end=false")
            // the two requests differ, so their keys do
            #expect(server.requests[0].header("Idempotency-Key") != server.requests[1].header("Idempotency-Key"))
        }
    }

    @Test("the last five invoices, newest first, with PDF and hosted links and their subscription")
    func invoices() async throws {
        try await withFakeStripe { server, http in
            let client = try stripeClient(server, http)
            let invoices = try await client.recentInvoices(customerID: "cus_seeded", limit: 5)
            #expect(invoices.map(\.id) == ["in_6", "in_5", "in_4", "in_3", "in_2"])
            let newest = try #require(invoices.first)
            #expect(newest.number == "BMM-0006")
            #expect(newest.status == "open")
            #expect(newest.total == 2900 && newest.currency == "eur")
            #expect(newest.invoicePDF == "https://pay.stripe.com/invoice/acct_1/test_6/pdf")
            #expect(newest.hostedInvoiceURL == "https://invoice.stripe.com/i/acct_1/test_6")
            #expect(newest.subscriptionID == "sub_seeded")
            #expect(newest.billingReason == "subscription_cycle")
            let request = try #require(server.requests.last)
            #expect(request.method == .GET && request.path == "/v1/invoices")
            #expect(request.query == "customer=cus_seeded&limit=5")
        }
    }

    @Test("a plan change preview posts to create_preview and sums the prorations")
    func preview() async throws {
        try await withFakeStripe { server, http in
            let client = try stripeClient(server, http)
            // when the change from Pro monthly to Team monthly is previewed
            let change = PriceChange(
                customerID: "cus_seeded", subscriptionID: "sub_seeded", itemID: "si_seeded",
                priceID: "price_team_month", prorationDate: 1_764_460_800)
            let preview = try await client.previewPriceChange(change, attempt: "1")
            // then the amount due and the proration lines come back
            #expect(preview.currency == "eur")
            #expect(preview.prorationAmount == 19900 / 2 - 2900 / 2)
            #expect(preview.lines.filter(\.proration).count == 2)
            #expect(preview.amountDue == preview.prorationAmount + 19900)
            let request = try #require(server.requests.last)
            #expect(request.method == .POST && request.path == "/v1/invoices/create_preview")
            #expect(
                request.parameters.map(\.0) == [
                    "customer", "subscription", "subscription_details[items][0][id]",
                    "subscription_details[items][0][price]", "subscription_details[proration_behavior]",
                    "subscription_details[proration_date]",
                ])
            #expect(request.header("Idempotency-Key") != nil)
            // and nothing changed on the subscription
            #expect(try await client.subscription(id: "sub_seeded").priceID == "price_pro_month")
        }
    }

    @Test("ids that could leave their path are refused before any request")
    func idsInPaths() async throws {
        try await withFakeStripe { server, http in
            let client = try stripeClient(server, http)
            for id in ["../v1/customers", "sub_1/../../x", "sub_1?expand=1", ""] {
                let error = await stripeError { _ = try await client.subscription(id: id) }
                guard case .misconfigured = error else {
                    Issue.record("\(id): \(String(describing: error))")
                    continue
                }
            }
            #expect(server.requests.isEmpty)
        }
    }

    @Test("a base URL must be https, or http on loopback")
    func baseURL() throws {
        let http = HTTPClient()
        defer { try? http.syncShutdown() }
        for base in ["http://api.stripe.example", "ftp://127.0.0.1", "https://user:pw@api.stripe.com", "nonsense"] {
            #expect(throws: StripeError.self, "\(base)") {
                try StripeClient(httpClient: http, secretKey: "sk_test_1", baseURL: base)
            }
        }
        #expect(throws: StripeError.self) { try StripeClient(httpClient: http, secretKey: "sk test\n") }
        _ = try StripeClient(httpClient: http, secretKey: "sk_test_1")
        _ = try StripeClient(httpClient: http, secretKey: "sk_test_1", baseURL: "http://127.0.0.1:12111/")
    }

    static let embedded = embeddedCheckoutRequest
    static let hosted = hostedCheckoutRequest
}
