import Foundation
import NIOHTTP1

/// Stripe's API behaviour for the endpoints billing uses, at API version 2026-10-28.endive: the same header checks,
/// parameter validation, error shapes and statuses, idempotent replays and realistic objects. Stricter than Stripe
/// in two places on purpose: a missing `Stripe-Version` (Stripe would use the account's default) and a POST without
/// `Idempotency-Key` (Stripe would accept it) are refused, because the client must always send both.
public final class FakeStripe: @unchecked Sendable {
    public static let secretKey = "sk_test_51BmmFakeSecretKey0123456789abcdefABCDEF"
    public static let apiVersion = "2026-10-28.endive"
    public static let prices = [
        "price_pro_month": (2900, "month"), "price_pro_year": (28800, "year"),
        "price_team_month": (19900, "month"), "price_team_year": (198000, "year"),
    ]
    /// 2026-11-15 00:00 UTC, the start of the seeded subscription's period.
    public static let periodStart = 1_763_164_800
    public static let periodEnd = 1_765_756_800

    public struct Answer: Sendable {
        public var status: Int
        public var body: String
        public var requestID: String
        public var replayed = false
        public var headers: [String: String] = [:]
    }

    // Internal rather than private: FakeStripe+Checkout.swift completes sessions on the same state.
    let lock = NSLock()
    private var script: [ScriptedStripeReply] = []
    private var seen: [StripeWireRequest] = []
    var customers: [String: [String: Any]] = [:]
    var subscriptions: [String: [String: Any]] = [:]
    var invoices: [[String: Any]] = []
    var sessions: [String: [String: Any]] = [:]
    /// What a session sells: Stripe keeps line items and `subscription_data` apart from the session object.
    var sessionPurchases: [String: (price: String, metadata: [String: String])] = [:]
    /// Events not yet taken for webhook delivery, oldest first.
    var outbox: [String] = []
    private var idempotent: [String: (fingerprint: String, answer: Answer)] = [:]
    var counter = 0
    private var hostedOrigin = "https://checkout.stripe.com"

    /// Where hosted Checkout URLs point: Stripe's origin by default; the `fake-stripe` server points them at itself
    /// so a browser test can follow the redirect.
    public var checkoutOrigin: String {
        get { lock.withLock { hostedOrigin } }
        set { lock.withLock { hostedOrigin = newValue } }
    }

    public var requests: [StripeWireRequest] { lock.withLock { seen } }
    public var sessionCount: Int { lock.withLock { sessions.count } }
    public func subscriptionObject(_ id: String) -> [String: Any]? { lock.withLock { subscriptions[id] } }
    public func sessionObject(_ id: String) -> [String: Any]? { lock.withLock { sessions[id] } }
    /// What Stripe's own schedule does to a subscription (a trial ending unpaid, retries running out), which no
    /// request here can ask for.
    public func setSubscriptionStatus(_ id: String, _ status: String) { lock.withLock { subscriptions[id]?["status"] = status } }

    /// The events produced since the last call (a completed checkout, a subscription updated through the API), in
    /// the order they happened, as the JSON bodies Stripe would POST to a webhook endpoint.
    public func takeEvents() -> [String] {
        lock.withLock {
            defer { outbox = [] }
            return outbox
        }
    }

    /// The next requests get these replies, in order, before the fake behaves like Stripe again.
    public func enqueue(_ replies: ScriptedStripeReply...) { lock.withLock { script += replies } }

    public init() {
        customers["cus_seeded"] = [
            "id": "cus_seeded", "object": "customer", "email": "owner@example.com", "name": "Acme",
            "metadata": ["workspace": "ws_1"], "livemode": false, "created": 1_760_000_000,
        ]
        subscriptions["sub_seeded"] = [
            "id": "sub_seeded", "object": "subscription", "customer": "cus_seeded", "status": "active",
            "cancel_at_period_end": false, "cancel_at": NSNull(), "canceled_at": NSNull(), "created": 1_760_000_000,
            "billing_mode": ["type": "flexible"], "livemode": false, "metadata": ["workspace": "ws_1", "plan": "pro"],
            "items": [
                "object": "list", "has_more": false, "url": "/v1/subscription_items?subscription=sub_seeded",
                "data": [Self.item(id: "si_seeded", price: "price_pro_month")],
            ],
        ]
        for month in 0..<7 {
            let created = 1_750_000_000 + month * 2_592_000
            invoices.append([
                "id": "in_\(month)", "object": "invoice", "customer": "cus_seeded", "number": "BMM-000\(month)",
                "status": month == 6 ? "open" : "paid", "total": 2900, "amount_due": 2900, "currency": "eur",
                "created": created, "billing_reason": month == 0 ? "subscription_create" : "subscription_cycle",
                "attempt_count": 1, "livemode": false,
                "invoice_pdf": "https://pay.stripe.com/invoice/acct_1/test_\(month)/pdf",
                "hosted_invoice_url": "https://invoice.stripe.com/i/acct_1/test_\(month)",
                "parent": [
                    "type": "subscription_details", "quote_details": NSNull(),
                    "subscription_details": ["subscription": "sub_seeded", "metadata": [:] as [String: Any]],
                ],
                "lines": ["object": "list", "data": [] as [Any], "has_more": false],
            ])
        }
        invoices.append([
            "id": "in_other", "object": "invoice", "customer": "cus_other", "number": "OTHER-1", "status": "paid",
            "total": 100, "amount_due": 100, "currency": "eur", "created": 1_760_000_000,
        ])
    }

    public static func item(id: String, price: String, start: Int = periodStart, end: Int = periodEnd) -> [String: Any] {
        let (amount, interval) = prices[price] ?? (0, "month")
        return [
            "id": id, "object": "subscription_item", "quantity": 1,
            "current_period_start": start, "current_period_end": end,
            "price": [
                "id": price, "object": "price", "unit_amount": amount, "currency": "eur", "type": "recurring",
                "recurring": ["interval": interval, "interval_count": 1, "usage_type": "licensed"],
            ],
        ]
    }

    /// nil: do not answer.
    public func handle(_ request: StripeWireRequest) -> Answer? {
        lock.withLock {
            seen.append(request)
            counter += 1
            let requestID = "req_fake\(counter)"
            if !script.isEmpty {
                switch script.removeFirst() {
                case .hang: return nil
                case .respond(let status, let json, let headers):
                    let answer = Answer(status: status, body: json, requestID: requestID, headers: headers)
                    // Stripe keeps a 500 under the request's key too, and replays it to every retry for 24 hours.
                    if status >= 500, request.method == .POST, let key = request.header("Idempotency-Key"), idempotent[key] == nil {
                        idempotent[key] = (Self.fingerprint(request), answer)
                    }
                    return answer
                }
            }
            var answer = respond(to: request, requestID: requestID)
            answer.requestID = requestID
            return answer
        }
    }

    // MARK: Stripe's behaviour

    private func respond(to request: StripeWireRequest, requestID: String) -> Answer {
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("Bearer ") else {
            return error(401, "invalid_request_error", message: "You did not provide an API key.")
        }
        let key = String(authorization.dropFirst("Bearer ".count))
        guard key == Self.secretKey else {
            // Stripe masks the key it quotes; the fake quotes it whole so the client's own masking is tested.
            return error(401, "invalid_request_error", message: "Invalid API Key provided: \(key)")
        }
        guard let version = request.header("Stripe-Version") else {
            return error(400, "invalid_request_error", message: "This test server requires a Stripe-Version header.")
        }
        guard version == Self.apiVersion else {
            return error(400, "invalid_request_error", message: "Invalid Stripe API version: \(version)")
        }
        guard request.method == .GET || request.method == .POST else {
            return error(405, "invalid_request_error", message: "Unrecognized request method.")
        }
        if request.method == .POST {
            guard let idempotencyKey = request.header("Idempotency-Key"), !idempotencyKey.isEmpty else {
                return error(400, "invalid_request_error", message: "This test server requires an Idempotency-Key.")
            }
            guard idempotencyKey.count <= 255 else {
                return error(
                    400, "invalid_request_error",
                    message: "Keys for idempotent requests can only be up to 255 characters long.")
            }
            let fingerprint = Self.fingerprint(request)
            if let stored = idempotent[idempotencyKey] {
                guard stored.fingerprint == fingerprint else {
                    return error(
                        400, "idempotency_error",
                        message: "Keys for idempotent requests can only be used with the same parameters they were "
                            + "first used with. Try using a key other than '\(idempotencyKey)' if you meant to execute "
                            + "a different request."
                    )
                }
                var replay = stored.answer
                replay.replayed = true
                return replay
            }
            let answer = route(request)
            // Stripe keeps the answer of a request that started executing; a refused parameter did not.
            if answer.status < 400 || answer.status >= 500 {
                idempotent[idempotencyKey] = (fingerprint, Answer(status: answer.status, body: answer.body, requestID: requestID))
            }
            return answer
        }
        return route(request)
    }

    /// What a repeated idempotency key must match: the same path with the same parameters.
    private static func fingerprint(_ request: StripeWireRequest) -> String {
        request.path + "?" + request.bodyText
    }

    private func route(_ request: StripeWireRequest) -> Answer {
        let segments = request.path.split(separator: "/").map(String.init)
        let id = segments.count == 3 ? segments[2] : ""
        switch (request.method, segments.count, segments.first ?? "", segments.dropFirst().first ?? "") {
        case (.POST, 2, "v1", "customers"): return createCustomer(request)
        case (.POST, 3, "v1", "customers"): return updateCustomer(id, request)
        case (.POST, 3, "v1", "checkout") where id == "sessions": return createSession(request)
        case (.POST, 3, "v1", "billing_portal") where id == "sessions": return createPortalSession(request)
        case (.GET, 2, "v1", "subscriptions"): return listSubscriptions(request)
        case (.GET, 3, "v1", "subscriptions"): return retrieveSubscription(id, request)
        case (.POST, 3, "v1", "subscriptions"): return updateSubscription(id, request)
        case (.GET, 2, "v1", "invoices"): return listInvoices(request)
        case (.POST, 3, "v1", "invoices") where id == "create_preview": return previewInvoice(request)
        default:
            return error(
                404, "invalid_request_error",
                message: "Unrecognized request URL (\(request.method.rawValue): \(request.path)).")
        }
    }

    private func createCustomer(_ request: StripeWireRequest) -> Answer {
        if let refusal = validate(request, allowed: ["email", "name", "description", "metadata[*]"]) { return refusal }
        let id = nextID("cus")
        var customer: [String: Any] = [
            "id": id, "object": "customer", "livemode": false, "created": 1_764_000_000, "email": NSNull(),
            "name": NSNull(), "metadata": metadata(request, prefix: "metadata"), "balance": 0, "currency": NSNull(),
            "invoice_settings": ["default_payment_method": NSNull()],
        ]
        if let email = request.parameter("email") { customer["email"] = email }
        if let name = request.parameter("name") { customer["name"] = name }
        customers[id] = customer
        return ok(customer)
    }

    private func updateCustomer(_ id: String, _ request: StripeWireRequest) -> Answer {
        if let refusal = validate(request, allowed: ["email", "name", "description", "metadata[*]"]) { return refusal }
        guard var customer = customers[id] else { return noSuch("customer", id, param: "id") }
        if let email = request.parameter("email") { customer["email"] = email }
        if let name = request.parameter("name") { customer["name"] = name }
        customers[id] = customer
        return ok(customer)
    }

    private func createSession(_ request: StripeWireRequest) -> Answer {
        let allowed: Set<String> = [
            "mode", "customer", "customer_email", "client_reference_id", "line_items[][price]",
            "line_items[][quantity]", "automatic_tax[enabled]", "tax_id_collection[enabled]",
            "billing_address_collection", "customer_update[address]", "customer_update[name]",
            "customer_update[shipping]", "allowed_payment_method_types[]", "metadata[*]",
            "subscription_data[metadata][*]", "ui_mode", "return_url", "success_url", "cancel_url", "locale",
            "redirect_on_completion",
        ]
        if let refusal = validate(request, allowed: allowed) { return refusal }
        if let refusal = required(request, ["mode", "line_items[0][price]"]) { return refusal }
        let enums: [(String, [String])] = [
            ("mode", ["payment", "setup", "subscription"]),
            ("ui_mode", ["elements", "embedded_page", "hosted_page"]),
            ("billing_address_collection", ["auto", "required"]),
            ("customer_update[address]", ["auto", "never"]),
            ("customer_update[name]", ["auto", "never"]),
        ]
        if let refusal = checkEnums(request, enums) { return refusal }
        if let refusal = checkBooleans(request, ["automatic_tax[enabled]", "tax_id_collection[enabled]"]) {
            return refusal
        }
        let methods = ["card", "sepa_debit", "link", "paypal", "us_bank_account", "bancontact", "ideal"]
        for (key, value) in request.parameters where normalized(key) == "allowed_payment_method_types[]" {
            guard methods.contains(value) else {
                return error(
                    400, "invalid_request_error", param: key,
                    message: "Invalid \(key): must be one of \(methods.joined(separator: ", ")).")
            }
        }
        let uiMode = request.parameter("ui_mode") ?? "hosted_page"
        switch uiMode {
        case "embedded_page":
            for forbidden in ["success_url", "cancel_url"] where request.parameter(forbidden) != nil {
                return error(
                    400, "invalid_request_error", param: forbidden,
                    message: "`\(forbidden)` is not allowed when `ui_mode` is `embedded_page`. Use `return_url`.")
            }
            if let refusal = required(request, ["return_url"]) { return refusal }
        default:
            if request.parameter("return_url") != nil {
                return error(
                    400, "invalid_request_error", param: "return_url",
                    message: "`return_url` is only allowed when `ui_mode` is `embedded_page` or `elements`.")
            }
            if let refusal = required(request, ["success_url"]) { return refusal }
        }
        guard let price = request.parameter("line_items[0][price]") else { return noSuch("price", "", param: "line_items[0][price]") }
        guard Self.prices[price] != nil else { return noSuch("price", price, param: "line_items[0][price]") }
        if let customer = request.parameter("customer") {
            guard customers[customer] != nil else { return noSuch("customer", customer, param: "customer") }
            if request.parameter("automatic_tax[enabled]") == "true", request.parameter("customer_update[address]") != "auto" {
                return error(
                    400, "invalid_request_error", param: "customer_update[address]",
                    message: "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a "
                        + "valid address to the Customer or set `customer_update[address]` to 'auto' to save the "
                        + "address entered in Checkout to the Customer.")
            }
            if request.parameter("tax_id_collection[enabled]") == "true", request.parameter("customer_update[name]") != "auto" {
                return error(
                    400, "invalid_request_error", param: "customer_update[name]",
                    message: "Tax ID collection requires updating business name on the customer. To enable tax ID "
                        + "collection for an existing customer, please set `customer_update[name]` to `auto`.")
            }
        }
        let id = nextID("cs_test")
        var session: [String: Any] = [
            "id": id, "object": "checkout.session", "mode": request.parameter("mode") ?? "", "ui_mode": uiMode,
            "status": "open", "payment_status": "unpaid", "livemode": false, "created": 1_764_000_000,
            "expires_at": 1_764_086_400, "customer": request.parameter("customer") ?? NSNull(),
            "client_reference_id": request.parameter("client_reference_id") ?? NSNull(),
            "metadata": metadata(request, prefix: "metadata"), "subscription": NSNull(),
            "client_secret": NSNull(), "url": NSNull(), "currency": "eur", "amount_total": Self.prices[price]!.0,
            "automatic_tax": ["enabled": request.parameter("automatic_tax[enabled]") == "true", "status": NSNull()],
        ]
        if uiMode == "embedded_page" {
            session["client_secret"] = "\(id)_secret_fake\(counter)"
            session["return_url"] = request.parameter("return_url")
        } else {
            session["url"] = "\(hostedOrigin)/c/pay/\(id)#fidkdWxOYHwnPyd1blpxYHZxWjA0"
            session["success_url"] = request.parameter("success_url")
        }
        sessions[id] = session
        sessionPurchases[id] = (price, metadata(request, prefix: "subscription_data[metadata]"))
        return ok(session)
    }

    private func createPortalSession(_ request: StripeWireRequest) -> Answer {
        if let refusal = validate(request, allowed: ["customer", "return_url", "configuration", "locale"]) {
            return refusal
        }
        if let refusal = required(request, ["customer"]) { return refusal }
        let customer = request.parameter("customer") ?? ""
        guard customers[customer] != nil else { return noSuch("customer", customer, param: "customer") }
        let id = nextID("bps")
        return ok([
            "id": id, "object": "billing_portal.session", "customer": customer, "livemode": false,
            "return_url": request.parameter("return_url") ?? NSNull(), "created": 1_764_000_000,
            "url": "https://billing.stripe.com/p/session/test_\(id)",
        ])
    }

    private func retrieveSubscription(_ id: String, _ request: StripeWireRequest) -> Answer {
        if let refusal = validate(request, allowed: ["expand[]"]) { return refusal }
        guard let subscription = subscriptions[id] else { return noSuch("subscription", id, param: "id") }
        return ok(subscription)
    }

    private func updateSubscription(_ id: String, _ request: StripeWireRequest) -> Answer {
        let allowed: Set<String> = [
            "items[][id]", "items[][price]", "items[][quantity]", "items[][deleted]", "proration_behavior",
            "proration_date", "cancel_at_period_end", "metadata[*]",
        ]
        if let refusal = validate(request, allowed: allowed) { return refusal }
        if let refusal = checkEnums(request, [("proration_behavior", ["always_invoice", "create_prorations", "none"])]) {
            return refusal
        }
        if let refusal = checkBooleans(request, ["cancel_at_period_end"]) { return refusal }
        if let refusal = checkIntegers(request, ["proration_date"]) { return refusal }
        guard var subscription = subscriptions[id] else { return noSuch("subscription", id, param: "id") }
        let before = subscription
        if let cancel = request.parameter("cancel_at_period_end") {
            let end = Self.firstItem(of: subscription)?["current_period_end"] as? Int ?? Self.periodEnd
            subscription["cancel_at_period_end"] = cancel == "true"
            subscription["cancel_at"] = cancel == "true" ? end as Any : NSNull()
        }
        if let itemID = request.parameter("items[0][id]") {
            var items = subscription["items"] as? [String: Any] ?? [:]
            var data = items["data"] as? [[String: Any]] ?? []
            guard let index = data.firstIndex(where: { $0["id"] as? String == itemID }) else {
                return error(
                    400, "invalid_request_error", code: "resource_missing", param: "items[0][id]",
                    message: "No such subscription item: '\(itemID)'")
            }
            if let price = request.parameter("items[0][price]") {
                guard Self.prices[price] != nil else { return noSuch("price", price, param: "items[0][price]") }
                // The period stays: with proration the item changes price mid-period.
                data[index] = Self.item(
                    id: itemID, price: price, start: data[index]["current_period_start"] as? Int ?? Self.periodStart,
                    end: data[index]["current_period_end"] as? Int ?? Self.periodEnd)
            }
            items["data"] = data
            subscription["items"] = items
        }
        subscriptions[id] = subscription
        recordUpdate(from: before, to: subscription)
        return ok(subscription)
    }

    /// Stripe's list: without `status` every subscription but canceled ones, `status=all` every one.
    private func listSubscriptions(_ request: StripeWireRequest) -> Answer {
        let status = request.parameter("status")
        return list(request, url: "/v1/subscriptions", of: Array(subscriptions.values),
                    allowed: ["customer", "price", "status", "limit", "starting_after", "ending_before", "expand[]"]) { subscription in
            let current = subscription["status"] as? String ?? ""
            switch status {
            case nil: return current != "canceled"
            case "all": return true
            case let wanted?: return current == wanted
            }
        }
    }

    private func listInvoices(_ request: StripeWireRequest) -> Answer {
        list(request, url: "/v1/invoices", of: invoices,
             allowed: ["customer", "subscription", "status", "limit", "starting_after", "ending_before", "expand[]"]) { _ in true }
    }

    /// A list endpoint as Stripe answers one: its parameters checked, `limit` 1 to 100 (default 10), the objects of
    /// the `customer` asked for that `keep` accepts, newest first.
    private func list(
        _ request: StripeWireRequest, url: String, of objects: [[String: Any]], allowed: Set<String>,
        keep: ([String: Any]) -> Bool
    ) -> Answer {
        if let refusal = validate(request, allowed: allowed) { return refusal }
        if let refusal = checkIntegers(request, ["limit"]) { return refusal }
        let limit = request.parameter("limit").flatMap(Int.init) ?? 10
        guard (1...100).contains(limit) else {
            return error(
                400, "invalid_request_error", param: "limit",
                message: "This value must be less than or equal to 100 (it currently is '\(limit)').")
        }
        let customer = request.parameter("customer")
        let matching = objects
            .filter { (customer == nil || $0["customer"] as? String == customer) && keep($0) }
            .sorted { ($0["created"] as? Int ?? 0) > ($1["created"] as? Int ?? 0) }
        return ok(["object": "list", "url": url, "has_more": matching.count > limit, "data": Array(matching.prefix(limit))])
    }

    private func previewInvoice(_ request: StripeWireRequest) -> Answer {
        let allowed: Set<String> = [
            "customer", "subscription", "subscription_details[items][][id]", "subscription_details[items][][price]",
            "subscription_details[items][][quantity]", "subscription_details[proration_behavior]",
            "subscription_details[proration_date]", "subscription_details[cancel_at_period_end]", "automatic_tax[enabled]",
        ]
        if let refusal = validate(request, allowed: allowed) { return refusal }
        let enums = [("subscription_details[proration_behavior]", ["always_invoice", "create_prorations", "none"])]
        if let refusal = checkEnums(request, enums) { return refusal }
        if let refusal = checkIntegers(request, ["subscription_details[proration_date]"]) { return refusal }
        guard let subscriptionID = request.parameter("subscription") else {
            return error(
                400, "invalid_request_error", code: "parameter_missing", param: "subscription",
                message: "Missing required param: subscription.")
        }
        guard let subscription = subscriptions[subscriptionID] else {
            return noSuch("subscription", subscriptionID, param: "subscription")
        }
        let customer = request.parameter("customer") ?? (subscription["customer"] as? String ?? "")
        guard subscription["customer"] as? String == customer else {
            return error(
                400, "invalid_request_error", param: "customer",
                message: "The subscription '\(subscriptionID)' does not belong to the customer '\(customer)'.")
        }
        let items = (subscription["items"] as? [String: Any])?["data"] as? [[String: Any]] ?? []
        let current = items.first
        let currentPrice = (current?["price"] as? [String: Any])?["id"] as? String ?? ""
        let newPrice = request.parameter("subscription_details[items][0][price]") ?? currentPrice
        guard let (newAmount, _) = Self.prices[newPrice] else {
            return noSuch("price", newPrice, param: "subscription_details[items][0][price]")
        }
        let oldAmount = Self.prices[currentPrice]?.0 ?? 0
        let prorating = (request.parameter("subscription_details[proration_behavior]") ?? "create_prorations") != "none"
        // Half the period is left in the fake's world.
        var lines: [[String: Any]] = []
        if prorating && newPrice != currentPrice {
            lines.append(line("Unused time on \(currentPrice) after 30 Nov 2026", -oldAmount / 2, proration: true))
            lines.append(line("Remaining time on \(newPrice) after 30 Nov 2026", newAmount / 2, proration: true))
        }
        lines.append(line("1 × \(newPrice) (at €\(newAmount / 100).00 / period)", newAmount, proration: false))
        let total = lines.reduce(0) { $0 + ($1["amount"] as? Int ?? 0) }
        return ok([
            "id": "upcoming_in_fake\(counter)", "object": "invoice", "customer": customer, "status": "draft",
            "currency": "eur", "total": total, "amount_due": max(total, 0), "subtotal": total, "livemode": false,
            "created": 1_764_000_000, "billing_reason": "upcoming",
            "parent": ["type": "subscription_details", "subscription_details": ["subscription": subscriptionID]],
            "lines": ["object": "list", "has_more": false, "data": lines],
        ])
    }

    private func line(_ description: String, _ amount: Int, proration: Bool) -> [String: Any] {
        [
            "id": nextID("il"), "object": "line_item", "description": description, "amount": amount, "currency": "eur",
            "period": ["start": 1_764_460_800, "end": Self.periodEnd],
            "parent": [
                "type": "subscription_item_details",
                "subscription_item_details": ["proration": proration, "subscription_item": "si_seeded"],
            ],
        ]
    }

    // MARK: Validation, as Stripe words it

    /// `line_items[3][price]` → `line_items[][price]`, `metadata[anything]` → `metadata[*]`.
    private func normalized(_ key: String) -> String {
        var result = key.replacingOccurrences(of: #"\[\d+\]"#, with: "[]", options: .regularExpression)
        for prefix in ["metadata[", "subscription_data[metadata]["] where result.hasPrefix(prefix) {
            result = prefix + "*]"
        }
        return result
    }

    private func validate(_ request: StripeWireRequest, allowed: Set<String>) -> Answer? {
        for (key, _) in request.parameters where !allowed.contains(normalized(key)) {
            let top = String(key.prefix { $0 != "[" })
            let unknown = allowed.contains { $0.hasPrefix(top + "[") || $0 == top } ? key : top
            return error(
                400, "invalid_request_error", code: "parameter_unknown", param: unknown,
                message: "Received unknown parameter: \(unknown)")
        }
        return nil
    }

    private func required(_ request: StripeWireRequest, _ names: [String]) -> Answer? {
        for name in names where (request.parameter(name) ?? "").isEmpty {
            return error(
                400, "invalid_request_error", code: "parameter_missing", param: name,
                message: "Missing required param: \(name).")
        }
        return nil
    }

    private func checkEnums(_ request: StripeWireRequest, _ enums: [(String, [String])]) -> Answer? {
        for (name, values) in enums {
            guard let value = request.parameter(name), !values.contains(value) else { continue }
            let listed = values.dropLast().joined(separator: ", ") + ", or " + (values.last ?? "")
            return error(400, "invalid_request_error", param: name, message: "Invalid \(name): must be one of \(listed)")
        }
        return nil
    }

    private func checkBooleans(_ request: StripeWireRequest, _ names: [String]) -> Answer? {
        for name in names {
            guard let value = request.parameter(name), value != "true", value != "false" else { continue }
            return error(
                400, "invalid_request_error", param: name, message: "Invalid boolean: \(value)")
        }
        return nil
    }

    private func checkIntegers(_ request: StripeWireRequest, _ names: [String]) -> Answer? {
        for name in names {
            guard let value = request.parameter(name), Int(value) == nil else { continue }
            return error(
                400, "invalid_request_error", code: "parameter_invalid_integer", param: name,
                message: "Invalid integer: \(value)")
        }
        return nil
    }

    private func metadata(_ request: StripeWireRequest, prefix: String) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in request.parameters where key.hasPrefix(prefix + "[") && key.hasSuffix("]") {
            let name = key.dropFirst(prefix.count + 1).dropLast()
            if !name.contains("[") { out[String(name)] = value }
        }
        return out
    }

    private func noSuch(_ what: String, _ id: String, param: String) -> Answer {
        error(
            what == "subscription" && param == "id" ? 404 : (what == "customer" && param == "id" ? 404 : 400),
            "invalid_request_error", code: "resource_missing", param: param, message: "No such \(what): '\(id)'")
    }

    func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)_Fake\(String(format: "%06d", counter))"
    }

    private func ok(_ object: [String: Any]) -> Answer {
        Answer(status: 200, body: Self.json(object), requestID: "")
    }

    private func error(_ status: Int, _ type: String, code: String? = nil, param: String? = nil, message: String) -> Answer {
        var body: [String: Any] = ["type": type, "message": message]
        if let code {
            body["code"] = code
            body["doc_url"] = "https://stripe.com/docs/error-codes/\(code.replacingOccurrences(of: "_", with: "-"))"
        }
        if let param { body["param"] = param }
        return Answer(status: status, body: Self.json(["error": body]), requestID: "")
    }

    public static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
