import AsyncHTTPClient
import Foundation
import NIOCore

// Billing: Stripe's REST API and signed webhooks, without Vapor.
//
// Wire choices, each what Stripe documents for API version 2026-10-28.endive:
// - Requests are `application/x-www-form-urlencoded` (``FormEncoder``): nested hashes as `a[b]=`, lists indexed as
//   `line_items[0][price]=`, booleans `true`/`false`; GETs carry the same encoding in the query string. Answers are
//   JSON and decoded tolerantly: unknown fields are ignored, expandable references read as an id or an object.
// - `Authorization: Bearer <secret key>` and `Stripe-Version: 2026-10-28.endive` on every request: the version is
//   pinned here, not taken from the account's default, so a dashboard upgrade cannot change the shapes we decode.
// - `Idempotency-Key` on every POST, derived from the operation, its inputs and a caller's attempt key
//   (``IdempotencyKey``): a retry after a timeout reuses it and Stripe answers with the first result instead of
//   creating a second session or applying a change twice.
// - Checkout: `ui_mode` is `embedded_page` (with `return_url`, answering `client_secret`) or `hosted_page` (with
//   `success_url`/`cancel_url`, answering `url`); the old `embedded`/`hosted` values are refused by this version.
//   Payment methods are `allowed_payment_method_types` (`payment_method_types` is gone from session create).
// - Subscriptions: the billing period is on each item (`items.data[].current_period_start/end`); an invoice names its
//   subscription at `parent.subscription_details.subscription`. Plan changes prorate (`create_prorations`) and the
//   preview is `POST /v1/invoices/create_preview` with the same item, price and proration date.
// - Every call has one deadline (20 s by default) over the whole exchange and reads at most 1 MiB of answer.
//   Errors are Stripe's `{"error": {type, code, message, param, decline_code}}` as ``StripeError``; nothing the
//   client logs or throws contains the secret key.
// - The base URL is configurable (`STRIPE_API_BASE` in the app) for a Stripe-compatible local server; plain http is
//   accepted only on loopback.

/// The Stripe operations billing uses, behind a protocol so the app can inject a fake.
public protocol StripeAPI: Sendable {
    func createCustomer(workspaceID: String, email: String?, name: String?, attempt: String)
        async throws(StripeError) -> StripeCustomer
    func updateCustomer(id: String, email: String?, name: String?, attempt: String)
        async throws(StripeError) -> StripeCustomer
    func createCheckoutSession(_ request: CheckoutSessionRequest, attempt: String)
        async throws(StripeError) -> StripeCheckoutSession
    func createPortalSession(customerID: String, returnURL: String, attempt: String)
        async throws(StripeError) -> StripePortalSession
    func subscription(id: String) async throws(StripeError) -> StripeSubscription
    func subscriptions(customerID: String) async throws(StripeError) -> [StripeSubscription]
    func changePrice(_ change: PriceChange, attempt: String) async throws(StripeError) -> StripeSubscription
    func setCancelAtPeriodEnd(subscriptionID: String, _ cancel: Bool, attempt: String)
        async throws(StripeError) -> StripeSubscription
    func recentInvoices(customerID: String, limit: Int) async throws(StripeError) -> [StripeInvoice]
    func previewPriceChange(_ change: PriceChange, attempt: String) async throws(StripeError) -> StripeInvoicePreview
}

/// Stripe's REST API over an injected `HTTPClient`.
public struct StripeClient: StripeAPI {
    /// The API version every request pins.
    public static let apiVersion = "2026-10-28.endive"
    public static let defaultBaseURL = "https://api.stripe.com"
    public static let defaultTimeout = TimeAmount.seconds(20)
    /// Stripe's answers are a few kilobytes; a list of 5 invoices with lines stays far below this.
    public static let responseLimit = 1 << 20

    /// Retries after the first attempt, as Stripe's own libraries make by default.
    public static let maxRetries = 2
    public static let defaultRetryDelay = Duration.milliseconds(500)

    private let transport: StripeTransport
    private let endpoint: StripeEndpoint
    private let secretKey: String
    private let retryDelay: Duration

    /// - Parameters:
    ///   - secretKey: `sk_live_…`, `sk_test_…` or a restricted `rk_…` key.
    ///   - baseURL: `https://api.stripe.com` unless configured otherwise; http only on loopback.
    public init(
        httpClient: HTTPClient,
        secretKey: String,
        baseURL: String = StripeClient.defaultBaseURL,
        timeout: TimeAmount = StripeClient.defaultTimeout,
        retryDelay: Duration = StripeClient.defaultRetryDelay
    ) throws(StripeError) {
        guard !secretKey.isEmpty, secretKey.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .misconfigured("secret key is missing or contains invalid characters")
        }
        self.endpoint = try StripeEndpoint(baseURL)
        self.transport = StripeTransport(httpClient: httpClient, timeout: timeout, responseLimit: Self.responseLimit)
        self.secretKey = secretKey
        self.retryDelay = retryDelay
    }

    // MARK: Customers

    public func createCustomer(workspaceID: String, email: String?, name: String?, attempt: String)
        async throws(StripeError) -> StripeCustomer
    {
        var fields: [(String, FormValue)] = []
        if let email { fields.append(("email", .string(email))) }
        if let name { fields.append(("name", .string(name))) }
        fields.append(("metadata", ["workspace": .string(workspaceID)]))
        let key = IdempotencyKey(
            operation: "customers.create", inputs: [workspaceID, email ?? "", name ?? ""], attempt: attempt)
        return try await post("/v1/customers", fields, key: key)
    }

    public func updateCustomer(id: String, email: String?, name: String?, attempt: String)
        async throws(StripeError) -> StripeCustomer
    {
        try Self.checkID(id)
        var fields: [(String, FormValue)] = []
        if let email { fields.append(("email", .string(email))) }
        if let name { fields.append(("name", .string(name))) }
        let key = IdempotencyKey(operation: "customers.update", inputs: [id, email ?? "", name ?? ""], attempt: attempt)
        return try await post("/v1/customers/\(id)", fields, key: key)
    }

    // MARK: Checkout and portal

    public func createCheckoutSession(_ request: CheckoutSessionRequest, attempt: String)
        async throws(StripeError) -> StripeCheckoutSession
    {
        try Self.checkID(request.customerID)
        let returnURLs: [String] =
            switch request.ui {
            case .embeddedPage(let returnURL): [returnURL]
            case .hostedPage(let successURL, let cancelURL): [successURL, cancelURL]
            }
        let key = IdempotencyKey(
            operation: "checkout.sessions.create",
            inputs: [
                request.workspaceID, request.customerID, request.plan.rawValue, request.interval.rawValue,
                request.priceID, request.uiName,
            ] + returnURLs,
            attempt: attempt
        )
        let session: StripeCheckoutSession = try await post("/v1/checkout/sessions", request.parameters, key: key)
        // The page needs the one or the other; a session without it cannot be shown.
        switch request.ui {
        case .embeddedPage where session.clientSecret == nil, .hostedPage where session.url == nil:
            throw .invalidResponse(status: 200)
        default:
            return session
        }
    }

    public func createPortalSession(customerID: String, returnURL: String, attempt: String)
        async throws(StripeError) -> StripePortalSession
    {
        try Self.checkID(customerID)
        let key = IdempotencyKey(
            operation: "billing_portal.sessions.create", inputs: [customerID, returnURL], attempt: attempt)
        return try await post(
            "/v1/billing_portal/sessions",
            [("customer", .string(customerID)), ("return_url", .string(returnURL))],
            key: key
        )
    }

    // MARK: Subscriptions

    public func subscription(id: String) async throws(StripeError) -> StripeSubscription {
        try Self.checkID(id)
        return try await get("/v1/subscriptions/\(id)", [])
    }

    public func changePrice(_ change: PriceChange, attempt: String) async throws(StripeError) -> StripeSubscription {
        try Self.checkID(change.subscriptionID)
        var fields: [(String, FormValue)] = [
            ("items", [["id": .string(change.itemID), "price": .string(change.priceID)]]),
            ("proration_behavior", "create_prorations"),
        ]
        if let date = change.prorationDate { fields.append(("proration_date", .integer(date))) }
        let key = IdempotencyKey(
            operation: "subscriptions.update.price",
            inputs: [change.subscriptionID, change.itemID, change.priceID, change.prorationDate.map(String.init) ?? ""],
            attempt: attempt
        )
        return try await post("/v1/subscriptions/\(change.subscriptionID)", fields, key: key)
    }

    /// `true` cancels at the end of the paid period; `false` reactivates a subscription set to cancel.
    public func setCancelAtPeriodEnd(subscriptionID: String, _ cancel: Bool, attempt: String)
        async throws(StripeError) -> StripeSubscription
    {
        try Self.checkID(subscriptionID)
        let key = IdempotencyKey(
            operation: "subscriptions.update.cancel_at_period_end",
            inputs: [subscriptionID, cancel ? "true" : "false"],
            attempt: attempt
        )
        return try await post("/v1/subscriptions/\(subscriptionID)", [("cancel_at_period_end", .boolean(cancel))], key: key)
    }

    /// The customer's subscriptions in every status, newest first (at most 20: a workspace has one or two).
    public func subscriptions(customerID: String) async throws(StripeError) -> [StripeSubscription] {
        try Self.checkID(customerID)
        let list: StripeList<StripeSubscription> = try await get(
            "/v1/subscriptions", [("customer", .string(customerID)), ("status", .string("all")), ("limit", .integer(20))])
        return list.data
    }

    // MARK: Invoices

    /// The customer's newest invoices, newest first (Stripe's list order).
    public func recentInvoices(customerID: String, limit: Int = 5) async throws(StripeError) -> [StripeInvoice] {
        try Self.checkID(customerID)
        guard (1...100).contains(limit) else { throw .misconfigured("invoice limit must be 1 to 100") }
        let list: StripeList<StripeInvoice> = try await get(
            "/v1/invoices", [("customer", .string(customerID)), ("limit", .integer(limit))])
        return list.data
    }

    /// What the customer would be charged now if the subscription's item moved to `change.priceID`.
    public func previewPriceChange(_ change: PriceChange, attempt: String)
        async throws(StripeError) -> StripeInvoicePreview
    {
        try Self.checkID(change.customerID)
        var details: [(String, FormValue)] = [
            ("items", [["id": .string(change.itemID), "price": .string(change.priceID)]]),
            ("proration_behavior", "create_prorations"),
        ]
        if let date = change.prorationDate { details.append(("proration_date", .integer(date))) }
        let key = IdempotencyKey(
            operation: "invoices.create_preview",
            inputs: [
                change.customerID, change.subscriptionID, change.itemID, change.priceID,
                change.prorationDate.map(String.init) ?? "",
            ],
            attempt: attempt
        )
        let invoice: StripeInvoice = try await post(
            "/v1/invoices/create_preview",
            [
                ("customer", .string(change.customerID)),
                ("subscription", .string(change.subscriptionID)),
                ("subscription_details", .hash(details)),
            ],
            key: key
        )
        guard let amountDue = invoice.amountDue, let currency = invoice.currency else {
            throw .invalidResponse(status: 200)
        }
        return StripeInvoicePreview(
            amountDue: amountDue, total: invoice.total ?? amountDue, currency: currency, lines: invoice.lines)
    }

    // MARK: Wire

    private func post<T: Decodable>(_ path: String, _ fields: [(String, FormValue)], key: IdempotencyKey)
        async throws(StripeError) -> T
    {
        var request = HTTPClientRequest(url: endpoint.url(path))
        request.method = .POST
        addHeaders(to: &request)
        request.headers.add(name: "Idempotency-Key", value: key.value)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: FormEncoder.encode(fields)))
        return try await send(request)
    }

    private func get<T: Decodable>(_ path: String, _ query: [(String, FormValue)]) async throws(StripeError) -> T {
        var request = HTTPClientRequest(url: endpoint.url(path, query: FormEncoder.encode(query)))
        request.method = .GET
        addHeaders(to: &request)
        return try await send(request)
    }

    private func addHeaders(to request: inout HTTPClientRequest) {
        request.headers.add(name: "Authorization", value: "Bearer \(secretKey)")
        request.headers.add(name: "Stripe-Version", value: Self.apiVersion)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "BuildMyMCPServer")
    }

    /// Sends `request`, again (the same request, so a POST keeps its idempotency key and Stripe answers a repeat
    /// with the first outcome) up to ``maxRetries`` times when the connection failed before an answer, when Stripe
    /// answers 409 (another request with the key is still running) or when its `Stripe-Should-Retry` says so; never
    /// when that header says not to, and not after a timeout, which already spent the caller's wait.
    private func send<T: Decodable>(_ request: HTTPClientRequest) async throws(StripeError) -> T {
        var retries = 0
        var response: StripeResponse
        while true {
            do {
                response = try await transport.exchange(request)
            } catch .unreachable where retries < Self.maxRetries {
                retries += 1
                await pause(before: retries)
                continue
            }
            guard !(200..<300).contains(response.status), retries < Self.maxRetries,
                  response.shouldRetry ?? (response.status == 409)
            else { break }
            retries += 1
            await pause(before: retries)
        }
        guard (200..<300).contains(response.status) else { throw failure(response) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw .invalidResponse(status: response.status)
        }
    }

    /// Exponential backoff with jitter (0.5, 1 s by default, each ±25%), so clients retrying together spread out.
    private func pause(before retry: Int) async {
        let base = retryDelay * (1 << (retry - 1))
        try? await Task.sleep(for: base * Double.random(in: 0.75...1.25))
    }

    private func failure(_ response: StripeResponse) -> StripeError {
        guard let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(response.body)) else {
            return response.status >= 500
                ? .api(StripeErrorDetail(status: response.status, requestID: response.requestID))
                : .invalidResponse(status: response.status)
        }
        let body = envelope.error
        return StripeError.from(
            StripeErrorDetail(
                status: response.status,
                type: body.type,
                code: body.code,
                param: body.param,
                declineCode: body.declineCode,
                message: body.message.map { SecretKeyShape.masked($0, key: secretKey) },
                requestID: response.requestID
            )
        )
    }

    /// Ids go into the path: Stripe's are letters, digits and `_`; anything else could walk to another endpoint.
    private static func checkID(_ id: String) throws(StripeError) {
        let valid = id.utf8.allSatisfy {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }
        guard !id.isEmpty, id.utf8.count <= 255, valid else { throw .misconfigured("a Stripe id is empty or malformed") }
    }

    private struct ErrorEnvelope: Decodable {
        var error: Body
        struct Body: Decodable {
            var type: String?
            var code: String?
            var message: String?
            var param: String?
            var declineCode: String?
            enum CodingKeys: String, CodingKey {
                case type, code, message, param
                case declineCode = "decline_code"
            }
        }
    }
}
