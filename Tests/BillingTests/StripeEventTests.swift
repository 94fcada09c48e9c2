import Billing
import Foundation
import Testing

@Suite("Stripe webhook events")
struct StripeEventTests {
    static func envelope(_ type: String, _ object: String, created: Int = 1_764_460_800) -> [UInt8] {
        Array(
            """
            {"id":"evt_1Q","object":"event","api_version":"2026-10-28.endive","created":\(created),"livemode":false,\
            "pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"\(type)",\
            "data":{"object":\(object),"previous_attributes":{}}}
            """.utf8)
    }

    static let session = #"""
        {"id":"cs_test_1","object":"checkout.session","mode":"subscription","ui_mode":"embedded_page",
         "status":"complete","payment_status":"unpaid","customer":"cus_1","subscription":"sub_1",
         "client_reference_id":"ws_1","metadata":{"workspace":"ws_1"},"client_secret":null,"url":null,
         "automatic_tax":{"enabled":true},"total_details":{"amount_tax":0}}
        """#

    static let subscription = #"""
        {"id":"sub_1","object":"subscription","customer":{"id":"cus_1","object":"customer"},"status":"past_due",
         "cancel_at_period_end":true,"cancel_at":1767139200,"created":1764460800,"billing_mode":{"type":"flexible"},
         "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item","quantity":1,
           "current_period_start":1764460800,"current_period_end":1767139200,
           "price":{"id":"price_team_month","recurring":{"interval":"month","interval_count":1}}}]},
         "metadata":{}}
        """#

    static func invoice(reason: String, attempts: Int) -> String {
        #"""
        {"id":"in_1","object":"invoice","customer":"cus_1","status":"open","total":19900,"amount_due":19900,
         "currency":"eur","created":1764460800,"billing_reason":"\#(reason)","attempt_count":\#(attempts),
         "invoice_pdf":null,"hosted_invoice_url":"https://invoice.stripe.com/i/1","next_payment_attempt":1764547200,
         "parent":{"type":"subscription_details","quote_details":null,
                   "subscription_details":{"subscription":"sub_1","metadata":{}}}}
        """#
    }

    @Test("the envelope's id, type, created, livemode and version are read")
    func envelope() throws {
        let event = try StripeEvent.decode(Self.envelope("checkout.session.completed", Self.session))
        #expect(event.id == "evt_1Q")
        #expect(event.type == "checkout.session.completed")
        #expect(event.created == 1_764_460_800)
        #expect(!event.livemode)
        #expect(event.apiVersion == "2026-10-28.endive")
    }

    @Test("checkout sessions: completed and the SEPA outcomes")
    func checkout() throws {
        let expected = [
            "checkout.session.completed": "completed",
            "checkout.session.async_payment_succeeded": "succeeded",
            "checkout.session.async_payment_failed": "failed",
        ]
        for (type, kind) in expected {
            let payload = try StripeEvent.decode(Self.envelope(type, Self.session)).payload
            let decoded: String? =
                switch payload {
                case .checkoutSessionCompleted: "completed"
                case .checkoutSessionAsyncPaymentSucceeded: "succeeded"
                case .checkoutSessionAsyncPaymentFailed: "failed"
                default: nil
                }
            #expect(decoded == kind, "\(type)")
        }
        guard case .checkoutSessionCompleted(let session) = try StripeEvent.decode(
            Self.envelope("checkout.session.completed", Self.session)).payload
        else { return }
        #expect(session.clientReferenceID == "ws_1")
        #expect(session.customerID == "cus_1")
        #expect(session.subscriptionID == "sub_1")
        #expect(session.paymentStatus == "unpaid")
    }

    @Test("subscription events carry the period from the item and an expanded customer as its id")
    func subscriptions() throws {
        for type in ["customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"] {
            let event = try StripeEvent.decode(Self.envelope(type, Self.subscription))
            let subscription: StripeSubscription
            switch event.payload {
            case .subscriptionCreated(let s) where type.hasSuffix("created"): subscription = s
            case .subscriptionUpdated(let s) where type.hasSuffix("updated"): subscription = s
            case .subscriptionDeleted(let s) where type.hasSuffix("deleted"): subscription = s
            default:
                Issue.record("\(type) decoded as \(event.payload)")
                continue
            }
            #expect(subscription.customerID == "cus_1")
            #expect(subscription.status == "past_due")
            #expect(subscription.cancelAtPeriodEnd)
            #expect(subscription.currentPeriodEnd == 1_767_139_200)
            #expect(subscription.priceID == "price_team_month")
        }
    }

    @Test("invoice.paid carries the billing reason; invoice.payment_failed the attempt count")
    func invoices() throws {
        let paid = try StripeEvent.decode(Self.envelope("invoice.paid", Self.invoice(reason: "subscription_cycle", attempts: 1)))
        guard case .invoicePaid(let invoice) = paid.payload else {
            Issue.record("\(paid.payload)")
            return
        }
        #expect(invoice.billingReason == "subscription_cycle")
        #expect(invoice.subscriptionID == "sub_1")
        let failed = try StripeEvent.decode(
            Self.envelope("invoice.payment_failed", Self.invoice(reason: "subscription_cycle", attempts: 3)))
        guard case .invoicePaymentFailed(let failing) = failed.payload else {
            Issue.record("\(failed.payload)")
            return
        }
        #expect(failing.attemptCount == 3)
        #expect(failing.customerID == "cus_1")
    }

    @Test("other types are acknowledged as .other; broken bodies are errors")
    func others() throws {
        let event = try StripeEvent.decode(Self.envelope("customer.updated", #"{"id":"cus_1","object":"customer"}"#))
        #expect(event.payload == .other("customer.updated"))
        #expect(throws: StripeWebhookError.malformedEvent) { try StripeEvent.decode(Array("not json".utf8)) }
        #expect(throws: StripeWebhookError.malformedEvent) { try StripeEvent.decode(Array(#"{"id":"evt_1"}"#.utf8)) }
        // a handled type whose object cannot be read fails, so Stripe retries instead of the event being lost
        #expect(throws: StripeWebhookError.malformedEvent) {
            try StripeEvent.decode(Self.envelope("customer.subscription.updated", #"{"object":"subscription"}"#))
        }
    }

    @Test("a payload of an API version before 2025-03-31: the invoice's top-level subscription and the subscription's own period")
    func olderVersionShapes() throws {
        let invoice = #"""
            {"id":"in_2","object":"invoice","customer":"cus_1","subscription":"sub_1","status":"paid","total":1900,
             "amount_due":1900,"currency":"eur","created":1764460800,"billing_reason":"subscription_cycle","attempt_count":1}
            """#
        guard case .invoicePaid(let paid) = try StripeEvent.decode(Self.envelope("invoice.paid", invoice)).payload else {
            Issue.record("not invoice.paid")
            return
        }
        #expect(paid.subscriptionID == "sub_1")
        let subscription = #"""
            {"id":"sub_1","object":"subscription","customer":"cus_1","status":"active","cancel_at_period_end":false,
             "current_period_start":1764460800,"current_period_end":1767139200,
             "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item","price":{"id":"price_pro_month"}}]}}
            """#
        guard case .subscriptionUpdated(let updated) = try StripeEvent.decode(Self.envelope("customer.subscription.updated", subscription)).payload else {
            Issue.record("not customer.subscription.updated")
            return
        }
        #expect(updated.currentPeriodStart == 1_764_460_800)
        #expect(updated.currentPeriodEnd == 1_767_139_200)
    }

    @Test("a thin event (v2.core.event) is told apart from a malformed one")
    func thin() {
        let body = #"{"id":"evt_2","object":"v2.core.event","type":"v1.customer.subscription.updated","created":"2026-12-05T10:00:00.000Z","related_object":{"id":"sub_1","type":"subscription","url":"/v1/subscriptions/sub_1"}}"#
        #expect(throws: StripeWebhookError.thinEvent) { try StripeEvent.decode(Array(body.utf8)) }
    }

    @Test("the verifier's event() verifies first, then decodes")
    func verifiedEvent() throws {
        let body = Self.envelope("invoice.paid", Self.invoice(reason: "subscription_create", attempts: 1))
        let secret = "whsec_event_test"
        let header = StripeWebhookSigner(secret: secret).header(payload: body, timestamp: 1_764_460_800)
        let verifier = StripeWebhookVerifier(secret: secret)
        let event = try verifier.event(payload: body, header: header, now: Date(timeIntervalSince1970: 1_764_460_810))
        #expect(event.type == "invoice.paid")
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try StripeWebhookVerifier(secret: "whsec_x").event(payload: body, header: header, now: .now)
        }
    }
}
