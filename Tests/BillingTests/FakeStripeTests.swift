import AsyncHTTPClient
import Foundation
import StripeFake
import Testing

/// The local Stripe refuses what Stripe refuses, with Stripe's error shapes, so a client test that passes against it
/// means something.
@Suite("The local Stripe refuses bad requests like Stripe")
struct FakeStripeTests {
    static let validSession =
        "mode=subscription&customer=cus_seeded&line_items[0][price]=price_pro_month&line_items[0][quantity]=1"
        + "&ui_mode=embedded_page&return_url=https%3A%2F%2Fbmm.example%2Fb"

    @Test("the valid embedded session is accepted")
    func valid() async throws {
        try await withFakeStripe { server, http in
            let answer = try await rawStripeRequest(server, http, path: "/v1/checkout/sessions", body: Self.validSession)
            #expect(answer.status == 200)
        }
    }

    @Test(
        "parameters Stripe refuses answer 400 invalid_request_error naming the param",
        arguments: [
            // The pre-2026 value.
            (validSession.replacingOccurrences(of: "embedded_page", with: "embedded"), "ui_mode", nil as String?),
            (validSession + "&payment_method_types[0]=card", "payment_method_types", "parameter_unknown"),
            (validSession + "&payment_method_types[]=card", "payment_method_types", "parameter_unknown"),
            (validSession + "&allowed_payment_method_types[0]=bitcoin", "allowed_payment_method_types[0]", nil),
            (validSession + "&colour=blue", "colour", "parameter_unknown"),
            (validSession.replacingOccurrences(of: "line_items[0][price]=price_pro_month&", with: ""),
                "line_items[0][price]", "parameter_missing"),
            (validSession.replacingOccurrences(of: "&return_url=https%3A%2F%2Fbmm.example%2Fb", with: ""),
                "return_url", "parameter_missing"),
            (validSession + "&success_url=https%3A%2F%2Fx", "success_url", nil),
            (validSession + "&automatic_tax[enabled]=yes", "automatic_tax[enabled]", nil),
            (validSession + "&automatic_tax[enabled]=true", "customer_update[address]", nil),
            (validSession.replacingOccurrences(of: "cus_seeded", with: "cus_missing"), "customer", "resource_missing"),
        ]
    )
    func refusals(body: String, param: String, code: String?) async throws {
        try await withFakeStripe { server, http in
            let answer = try await rawStripeRequest(server, http, path: "/v1/checkout/sessions", body: body)
            #expect(answer.status == 400)
            #expect(answer.error["type"] == "invalid_request_error")
            #expect(answer.error["param"] == param)
            #expect(answer.error["code"] == code)
            #expect(answer.error["message"]?.isEmpty == false)
        }
    }

    @Test("a missing Stripe-Version, Idempotency-Key or key is refused")
    func headers() async throws {
        try await withFakeStripe { server, http in
            let key = ("Authorization", "Bearer \(FakeStripe.secretKey)")
            let version = ("Stripe-Version", FakeStripe.apiVersion)
            let idempotency = ("Idempotency-Key", "k1")
            for (headers, status) in [
                ([key, idempotency], 400), ([key, version], 400), ([version, idempotency], 401),
                ([key, ("Stripe-Version", "2024-06-20"), idempotency], 400),
            ] {
                let answer = try await rawStripeRequest(
                    server, http, path: "/v1/checkout/sessions", body: Self.validSession, headers: headers)
                #expect(answer.status == status, "\(headers.map(\.0))")
                #expect(answer.error["type"] == "invalid_request_error")
            }
            #expect(server.stripe.sessionCount == 0)
        }
    }

    @Test("an idempotency key reused with other parameters is an idempotency_error")
    func idempotencyMismatch() async throws {
        try await withFakeStripe { server, http in
            let headers = [
                ("Authorization", "Bearer \(FakeStripe.secretKey)"), ("Stripe-Version", FakeStripe.apiVersion),
                ("Idempotency-Key", "same"),
            ]
            let first = try await rawStripeRequest(
                server, http, path: "/v1/customers", body: "email=a%40example.com", headers: headers)
            let second = try await rawStripeRequest(
                server, http, path: "/v1/customers", body: "email=b%40example.com", headers: headers)
            #expect(first.status == 200)
            #expect(second.status == 400)
            #expect(second.error["type"] == "idempotency_error")
        }
    }
}
