import AsyncHTTPClient
import Billing
import Foundation
import NIOCore
import NIOPosix
import StripeFake
import Testing

@Suite("Stripe client errors")
struct StripeErrorTests {
    @Test("a wrong key is an authentication error that never shows the key, even when Stripe quotes it")
    func authentication() async throws {
        try await withFakeStripe { server, http in
            // given a client with a key Stripe does not know (the fake quotes it back whole)
            let wrongKey = "sk_test_51WrongKeyThatMustNeverBeLogged987"
            let client = try StripeClient(httpClient: http, secretKey: wrongKey, baseURL: server.baseURL)
            // when it calls
            let error = await stripeError { _ = try await client.subscription(id: "sub_seeded") }
            // then it is a 401 and no rendering names the key, not even Stripe's own message
            guard case .authentication(let detail) = error else {
                Issue.record("expected .authentication, got \(String(describing: error))")
                return
            }
            #expect(detail.status == 401)
            #expect(detail.message?.contains("Invalid API Key provided") == true)
            #expect(detail.requestID?.hasPrefix("req_") == true)
            expectLogSafe(error, hiding: [wrongKey, "WrongKeyThatMustNeverBeLogged"])
        }
    }

    @Test("a 402 card error keeps its code, decline code and customer-facing message")
    func cardError() async throws {
        let stripe = FakeStripe()
        stripe.enqueue(
            .respond(
                status: 402,
                json: #"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","#
                    + #""message":"Your card has insufficient funds.","param":"","charge":"ch_1","#
                    + #""doc_url":"https://stripe.com/docs/error-codes/card-declined"}}"#
            ))
        try await withFakeStripe(stripe) { server, http in
            let client = try stripeClient(server, http)
            let error = await stripeError {
                _ = try await client.setCancelAtPeriodEnd(subscriptionID: "sub_seeded", false, attempt: "1")
            }
            #expect(
                error
                    == .card(
                        StripeErrorDetail(
                            status: 402, type: "card_error", code: "card_declined", param: "",
                            declineCode: "insufficient_funds", message: "Your card has insufficient funds.",
                            requestID: "req_fake1")))
            #expect(error?.isTransient == false)
            #expect(String(describing: error!).contains("decline_code insufficient_funds"))
            expectLogSafe(error, hiding: [FakeStripe.secretKey])
        }
    }

    @Test(
        "statuses and types map to typed errors",
        arguments: [
            (429, #"{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests."}}"#, "rate"),
            (500, #"{"error":{"type":"api_error","message":"Something went wrong on Stripe's end."}}"#, "api"),
            (503, "<html>upstream unavailable</html>", "api"),
            (403, #"{"error":{"type":"invalid_request_error","message":"The provided key does not have access."}}"#, "permission"),
            (400, #"{"error":{"type":"idempotency_error","message":"Keys for idempotent requests..."}}"#, "idempotency"),
            (404, #"{"error":{"type":"invalid_request_error","code":"resource_missing","param":"id"}}"#, "invalid"),
            (400, "not json", "unreadable"),
            (200, #"{"unexpected": true}"#, "unreadable"),
        ]
    )
    func mapping(status: Int, body: String, expected: String) async throws {
        let stripe = FakeStripe()
        stripe.enqueue(.respond(status: status, json: body))
        try await withFakeStripe(stripe) { server, http in
            let client = try stripeClient(server, http)
            let error = await stripeError { _ = try await client.subscription(id: "sub_seeded") }
            let kind: String? =
                switch error {
                case .rateLimited: "rate"
                case .api: "api"
                case .permission: "permission"
                case .idempotency: "idempotency"
                case .invalidRequest: "invalid"
                case .invalidResponse: "unreadable"
                default: nil
                }
            #expect(kind == expected, "\(String(describing: error))")
            #expect(error?.detail.map(\.status) ?? status == status)
            expectLogSafe(error, hiding: [FakeStripe.secretKey])
        }
    }

    @Test("409 and Stripe-Should-Retry: true are retried with the same request (twice at most); a 409 told not to, or a plain 500, is not")
    func retries() async throws {
        let lock = #"{"error":{"type":"invalid_request_error","code":"lock_timeout","message":"This object cannot be accessed right now."}}"#
        let stripe = FakeStripe()
        try await withFakeStripe(stripe) { server, http in
            let client = try stripeClient(server, http)
            func customers() -> [StripeWireRequest] { server.requests.filter { $0.path == "/v1/customers" } }

            // a 409, then Stripe's own answer: one customer, two requests with one key
            stripe.enqueue(.respond(status: 409, json: lock))
            let customer = try await client.createCustomer(workspaceID: "ws_1", email: nil, name: "A", attempt: "first")
            #expect(customer.id.hasPrefix("cus_"))
            #expect(customers().count == 2 && Set(customers().map { $0.header("Idempotency-Key") }).count == 1)

            // Stripe-Should-Retry: true on a 503 to a read
            stripe.enqueue(.respond(status: 503, json: #"{"error":{"type":"api_error"}}"#, headers: ["Stripe-Should-Retry": "true"]))
            #expect(try await client.subscription(id: "sub_seeded").id == "sub_seeded")

            // told not to: one request, the error as it came
            stripe.enqueue(.respond(status: 409, json: lock, headers: ["Stripe-Should-Retry": "false"]))
            let before = customers().count
            let refused = await stripeError { _ = try await client.createCustomer(workspaceID: "ws_2", email: nil, name: "B", attempt: "second") }
            #expect(refused != nil && customers().count == before + 1)

            // three 409s: the first attempt and two retries, then the error
            stripe.enqueue(.respond(status: 409, json: lock), .respond(status: 409, json: lock), .respond(status: 409, json: lock))
            let exhausted = await stripeError { _ = try await client.createCustomer(workspaceID: "ws_3", email: nil, name: "C", attempt: "third") }
            #expect(exhausted != nil && customers().count == before + 4)

            // a plain 500 is Stripe's stored outcome for the key: not repeated
            stripe.enqueue(.respond(status: 500, json: #"{"error":{"type":"api_error"}}"#))
            let reads = server.requests.count
            #expect(await stripeError { _ = try await client.subscription(id: "sub_seeded") } != nil)
            #expect(server.requests.count == reads + 1)
        }
    }

    @Test("a server that never answers is a timeout within the injected deadline")
    func timeout() async throws {
        let stripe = FakeStripe()
        stripe.enqueue(.hang)
        try await withFakeStripe(stripe) { server, http in
            let client = try stripeClient(server, http, timeout: .milliseconds(200))
            let error = await stripeError { _ = try await client.subscription(id: "sub_seeded") }
            #expect(error == .timeout)
            #expect(error?.isTransient == true)
        }
    }

    @Test("a refused connection is unreachable, without the URL or key in the error")
    func connectionRefused() async throws {
        // given a port that refuses connections
        let refusing = try RefusingPort()
        let base = refusing.baseURL
        let http = HTTPClient()
        let client = try StripeClient(httpClient: http, secretKey: FakeStripe.secretKey, baseURL: base)
        // when it is called
        let error = await stripeError { _ = try await client.subscription(id: "sub_seeded") }
        try await http.shutdown()
        withExtendedLifetime(refusing) {}
        // then
        #expect(error == .unreachable)
        expectLogSafe(error, hiding: [FakeStripe.secretKey, base])
    }

    @Test("an answer larger than the client reads is refused, not buffered")
    func responseLimit() async throws {
        let stripe = FakeStripe()
        let huge = #"{"id":"sub_1","status":"active","padding":""# + String(repeating: "x", count: 2 << 20) + #""}"#
        stripe.enqueue(.respond(status: 200, json: huge))
        try await withFakeStripe(stripe) { server, http in
            let client = try stripeClient(server, http)
            let error = await stripeError { _ = try await client.subscription(id: "sub_seeded") }
            #expect(error == .invalidResponse(status: 200))
        }
    }

    @Test("a session without what its page needs (client secret or URL) is an unreadable answer, not a blank page")
    func sessionWithoutSecret() async throws {
        let stripe = FakeStripe()
        let bare = #"{"id":"cs_test_1","object":"checkout.session","ui_mode":"embedded_page","client_secret":null}"#
        stripe.enqueue(.respond(status: 200, json: bare), .respond(status: 200, json: bare))
        try await withFakeStripe(stripe) { server, http in
            let client = try stripeClient(server, http)
            let embedded = await stripeError { _ = try await client.createCheckoutSession(embeddedCheckoutRequest, attempt: "1") }
            let hosted = await stripeError { _ = try await client.createCheckoutSession(hostedCheckoutRequest, attempt: "1") }
            #expect(embedded == .invalidResponse(status: 200))
            #expect(hosted == .invalidResponse(status: 200))
        }
    }

    @Test("any key-shaped word in Stripe's message is masked, and codes with odd characters are not shown")
    func masking() async throws {
        let stripe = FakeStripe()
        stripe.enqueue(
            .respond(
                status: 400,
                json: #"{"error":{"type":"invalid_request_error","code":"x y<script>","param":"sk_live_abc","#
                    + #""message":"Key rk_live_123 and whsec_456 and sk_test_789 are wrong for owner@example.com"}}"#
            ))
        try await withFakeStripe(stripe) { server, http in
            let client = try stripeClient(server, http)
            let error = await stripeError { _ = try await client.subscription(id: "sub_seeded") }
            #expect(error?.detail?.message == "Key [redacted] and [redacted] and [redacted] are wrong for owner@example.com")
            let shown = String(describing: try #require(error))
            #expect(!shown.contains("<script>") && !shown.contains("sk_live") && !shown.contains("owner@"))
            #expect(shown.contains("HTTP 400") && shown.contains("type invalid_request_error"))
        }
    }
}
