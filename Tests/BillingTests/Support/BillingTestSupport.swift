import AsyncHTTPClient
import Billing
import Core
import Foundation
import NIOCore
import StripeFake
import Testing

/// A client for the fake with its secret key.
func stripeClient(_ server: FakeStripeServer, _ http: HTTPClient, timeout: TimeAmount = .seconds(10)) throws -> StripeClient {
    try StripeClient(httpClient: http, secretKey: FakeStripe.secretKey, baseURL: server.baseURL, timeout: timeout, retryDelay: .milliseconds(20))
}

/// The ``StripeError`` `operation` threw, or nil when it succeeded; any other error fails the test.
func stripeError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> Void
) async -> StripeError? {
    do {
        try await operation()
        return nil
    } catch let error as StripeError {
        return error
    } catch {
        Issue.record("expected a StripeError, got \(type(of: error))", sourceLocation: sourceLocation)
        return nil
    }
}

/// Log safety: no rendering of the error names any of `secrets`.
func expectLogSafe(_ error: StripeError?, hiding secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error else {
        Issue.record("expected an error", sourceLocation: sourceLocation)
        return
    }
    var renderings = [String(describing: error), String(reflecting: error), "\(error)", error.localizedDescription]
    if let message = error.detail?.message { renderings.append(message) }
    for shown in renderings {
        for secret in secrets {
            #expect(!shown.contains(secret), "\(shown) reveals a secret", sourceLocation: sourceLocation)
        }
    }
}

let embeddedCheckoutRequest = CheckoutSessionRequest(
    workspaceID: "ws_1",
    customerID: "cus_seeded",
    plan: .pro,
    interval: .month,
    priceID: "price_pro_month",
    ui: .embeddedPage(returnURL: "https://bmm.example/settings/billing?session={CHECKOUT_SESSION_ID}")
)

let hostedCheckoutRequest = CheckoutSessionRequest(
    workspaceID: "ws_1",
    customerID: "cus_seeded",
    plan: .team,
    interval: .year,
    priceID: "price_team_year",
    ui: .hostedPage(
        successURL: "https://bmm.example/settings/billing?checkout=done",
        cancelURL: "https://bmm.example/settings/billing?checkout=cancelled"
    )
)

/// Sends a raw request to the fake, as a client that gets things wrong would, and returns the status and the
/// decoded `error` object.
func rawStripeRequest(
    _ server: FakeStripeServer,
    _ http: HTTPClient,
    method: String = "POST",
    path: String,
    body: String = "",
    headers: [(String, String)] = [
        ("Authorization", "Bearer \(FakeStripe.secretKey)"), ("Stripe-Version", FakeStripe.apiVersion),
        ("Idempotency-Key", UUID().uuidString),
    ]
) async throws -> (status: Int, error: [String: String]) {
    var request = HTTPClientRequest(url: server.baseURL + path)
    request.method = .init(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
    if method == "POST" { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await http.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    let object = try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any]
    let fields: [String: Any] = object?["error"] as? [String: Any] ?? [:]
    let error: [String: String] = fields.compactMapValues { $0 as? String }
    return (Int(response.status.code), error)
}

/// Runs `body` with a started fake Stripe and a fresh HTTP client, and shuts both down whatever happens.
func withFakeStripe<T>(
    _ stripe: FakeStripe = FakeStripe(),
    _ body: (FakeStripeServer, HTTPClient) async throws -> T
) async throws -> T {
    let server = try await FakeStripeServer.start(stripe)
    let client = HTTPClient()
    let result: Result<T, any Error>
    do {
        result = .success(try await body(server, client))
    } catch {
        result = .failure(error)
    }
    try await client.shutdown()
    await server.stop()
    return try result.get()
}
