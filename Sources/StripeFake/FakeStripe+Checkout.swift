import Foundation

/// What paying on a Checkout page did: where Stripe sends the browser, and the events it sends the webhook.
public struct FakeCheckoutCompletion: Sendable {
    /// The session's `success_url` (hosted page) or `return_url` (embedded page), `{CHECKOUT_SESSION_ID}` filled in.
    public var redirectURL: String
    /// `checkout.session.completed`, `customer.subscription.created`, `invoice.paid`, as JSON bodies, in that order.
    public var events: [String]
}

extension FakeStripe {
    /// The customer pays on the Checkout page of an open subscription-mode session, as Stripe completes it: an
    /// active subscription for the session's customer and price, its first invoice paid, and the session complete
    /// and paid. The objects in the events are the ones the API answers with afterwards, so a live lookup agrees
    /// with what the webhook said. The events are also queued for ``takeEvents()``. Nil when the session is unknown,
    /// not in subscription mode or no longer open.
    public func completeCheckout(sessionID: String, now: Date = Date()) -> FakeCheckoutCompletion? {
        lock.withLock {
            guard var session = sessions[sessionID], session["status"] as? String == "open",
                session["mode"] as? String == "subscription", let purchase = sessionPurchases[sessionID]
            else { return nil }
            let created = Int(now.timeIntervalSince1970)
            let (amount, interval) = Self.prices[purchase.price] ?? (0, "month")
            let end = Self.periodEnd(from: now, interval: interval)
            let customer = session["customer"] as? String ?? newCustomer(created: created)

            let subscriptionID = nextID("sub")
            let itemID = nextID("si")
            let invoiceID = nextID("in")
            let subscription: [String: Any] = [
                "id": subscriptionID, "object": "subscription", "customer": customer, "status": "active",
                "cancel_at_period_end": false, "cancel_at": NSNull(), "canceled_at": NSNull(), "created": created,
                "start_date": created, "billing_cycle_anchor": created, "collection_method": "charge_automatically",
                "currency": "eur", "latest_invoice": invoiceID, "billing_mode": ["type": "flexible"], "livemode": false,
                "metadata": purchase.metadata,
                "items": [
                    "object": "list", "has_more": false, "url": "/v1/subscription_items?subscription=\(subscriptionID)",
                    "data": [Self.item(id: itemID, price: purchase.price, start: created, end: end)],
                ],
            ]
            let invoice: [String: Any] = [
                "id": invoiceID, "object": "invoice", "customer": customer, "number": "BMM-\(String(format: "%04d", counter))",
                "status": "paid", "total": amount, "subtotal": amount, "amount_due": amount, "amount_paid": amount,
                "amount_remaining": 0, "currency": "eur", "created": created, "billing_reason": "subscription_create",
                "attempt_count": 1, "attempted": true, "collection_method": "charge_automatically", "livemode": false,
                "period_start": created, "period_end": created,
                "status_transitions": ["finalized_at": created, "paid_at": created],
                "invoice_pdf": "https://pay.stripe.com/invoice/acct_1BmmFake/test_\(invoiceID)/pdf",
                "hosted_invoice_url": "https://invoice.stripe.com/i/acct_1BmmFake/test_\(invoiceID)",
                "parent": [
                    "type": "subscription_details", "quote_details": NSNull(),
                    "subscription_details": ["subscription": subscriptionID, "metadata": purchase.metadata],
                ],
                "lines": [
                    "object": "list", "has_more": false,
                    "data": [[
                        "id": nextID("il"), "object": "line_item", "amount": amount, "currency": "eur",
                        "description": "1 × \(purchase.price) (at €\(amount / 100).\(String(format: "%02d", amount % 100)) / \(interval))",
                        "period": ["start": created, "end": end],
                        "parent": [
                            "type": "subscription_item_details",
                            "subscription_item_details": [
                                "proration": false, "subscription": subscriptionID, "subscription_item": itemID,
                            ],
                        ],
                    ]],
                ],
            ]
            session["status"] = "complete"
            session["payment_status"] = "paid"
            session["customer"] = customer
            session["subscription"] = subscriptionID
            sessions[sessionID] = session
            subscriptions[subscriptionID] = subscription
            invoices.append(invoice)

            let events = [
                event("checkout.session.completed", session, created: created),
                event("customer.subscription.created", subscription, created: created),
                event("invoice.paid", invoice, created: created),
            ]
            outbox += events
            let template = session["ui_mode"] as? String == "embedded_page" ? session["return_url"] : session["success_url"]
            let redirect = (template as? String ?? "").replacingOccurrences(of: "{CHECKOUT_SESSION_ID}", with: sessionID)
            return FakeCheckoutCompletion(redirectURL: redirect, events: events)
        }
    }

    /// Queues `customer.subscription.updated` when an API update changed the subscription, with the changed
    /// top-level fields' old values in `previous_attributes` as Stripe sends them. Call with the lock held.
    func recordUpdate(from before: [String: Any], to after: [String: Any]) {
        var previous: [String: Any] = [:]
        for (key, old) in before where !Self.same(old, after[key]) { previous[key] = old }
        guard !previous.isEmpty else { return }
        outbox.append(event("customer.subscription.updated", after, created: Int(Date().timeIntervalSince1970), previous: previous))
    }

    /// An event envelope at the fake's API version. Call with the lock held.
    func event(_ type: String, _ object: [String: Any], created: Int, previous: [String: Any]? = nil) -> String {
        var data: [String: Any] = ["object": object]
        if let previous { data["previous_attributes"] = previous }
        return Self.json([
            "id": nextID("evt"), "object": "event", "api_version": Self.apiVersion, "created": created, "data": data,
            "livemode": false, "pending_webhooks": 1, "type": type,
            "request": ["id": NSNull(), "idempotency_key": NSNull()],
        ])
    }

    /// A session opened without a customer gets one, as Checkout creates it from what the customer typed.
    private func newCustomer(created: Int) -> String {
        let id = nextID("cus")
        customers[id] = [
            "id": id, "object": "customer", "livemode": false, "created": created, "email": NSNull(), "name": NSNull(),
            "metadata": [:] as [String: String], "balance": 0, "currency": "eur",
        ]
        return id
    }

    /// One calendar month or year later, in UTC, as Stripe bills.
    static func periodEnd(from start: Date, interval: String) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let component: Calendar.Component = interval == "year" ? .year : .month
        let end = calendar.date(byAdding: component, value: 1, to: start) ?? start.addingTimeInterval(2_592_000)
        return Int(end.timeIntervalSince1970)
    }

    static func firstItem(of subscription: [String: Any]) -> [String: Any]? {
        ((subscription["items"] as? [String: Any])?["data"] as? [[String: Any]])?.first
    }

    private static func same(_ a: Any, _ b: Any?) -> Bool {
        guard let b else { return false }
        return json(["v": a]) == json(["v": b])
    }
}
