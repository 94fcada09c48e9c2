import Foundation

/// A webhook event: the envelope's `id`, `type`, `created`, `livemode` and `data.object`, decoded for the types
/// billing handles. The app stores `id` uniquely with the event's effect, and orders updates by `created`.
public struct StripeEvent: Equatable, Sendable {
    /// `evt_…`, unique per event; Stripe may deliver the same event more than once.
    public var id: String
    public var type: String
    /// Unix seconds when Stripe created the event; deliveries can arrive in any order.
    public var created: Int
    public var livemode: Bool
    /// The API version the payload was rendered with.
    public var apiVersion: String?
    public var payload: Payload

    public enum Payload: Equatable, Sendable {
        case checkoutSessionCompleted(StripeCheckoutSession)
        /// A delayed payment method (SEPA debit) cleared after the session completed unpaid.
        case checkoutSessionAsyncPaymentSucceeded(StripeCheckoutSession)
        case checkoutSessionAsyncPaymentFailed(StripeCheckoutSession)
        case subscriptionCreated(StripeSubscription)
        case subscriptionUpdated(StripeSubscription)
        case subscriptionDeleted(StripeSubscription)
        /// `billingReason` tells a renewal (`subscription_cycle`) from the first invoice or a plan change.
        case invoicePaid(StripeInvoice)
        /// `attemptCount` says which attempt failed.
        case invoicePaymentFailed(StripeInvoice)
        /// `invoice.voided` or `invoice.marked_uncollectible`: Stripe no longer collects it.
        case invoiceForgiven(StripeInvoice)
        /// A type billing does not handle; acknowledge it and move on.
        case other(String)
    }

    /// Decodes an envelope whose signature was verified. A handled type whose object cannot be read is an error
    /// (so Stripe retries and the failure is visible), not `.other`.
    public static func decode(_ body: [UInt8]) throws(StripeWebhookError) -> StripeEvent {
        let decoder = JSONDecoder()
        let data = Data(body)
        if (try? decoder.decode(Kind.self, from: data))?.object == "v2.core.event" { throw .thinEvent }
        guard let envelope = try? decoder.decode(Envelope.self, from: data) else { throw .malformedEvent }
        func object<T: Decodable>(_ type: T.Type) throws(StripeWebhookError) -> T {
            guard let wrapped = try? decoder.decode(Wrapped<T>.self, from: data) else { throw .malformedEvent }
            return wrapped.data.object
        }
        let payload: Payload =
            switch envelope.type {
            case "checkout.session.completed":
                .checkoutSessionCompleted(try object(StripeCheckoutSession.self))
            case "checkout.session.async_payment_succeeded":
                .checkoutSessionAsyncPaymentSucceeded(try object(StripeCheckoutSession.self))
            case "checkout.session.async_payment_failed":
                .checkoutSessionAsyncPaymentFailed(try object(StripeCheckoutSession.self))
            case "customer.subscription.created": .subscriptionCreated(try object(StripeSubscription.self))
            case "customer.subscription.updated": .subscriptionUpdated(try object(StripeSubscription.self))
            case "customer.subscription.deleted": .subscriptionDeleted(try object(StripeSubscription.self))
            case "invoice.paid": .invoicePaid(try object(StripeInvoice.self))
            case "invoice.payment_failed": .invoicePaymentFailed(try object(StripeInvoice.self))
            case "invoice.voided", "invoice.marked_uncollectible": .invoiceForgiven(try object(StripeInvoice.self))
            default: .other(envelope.type)
            }
        return StripeEvent(
            id: envelope.id,
            type: envelope.type,
            created: envelope.created,
            livemode: envelope.livemode ?? false,
            apiVersion: envelope.apiVersion,
            payload: payload
        )
    }

    private struct Envelope: Decodable {
        var id: String
        var object: String?
        var type: String
        var created: Int
        var livemode: Bool?
        var apiVersion: String?

        enum CodingKeys: String, CodingKey {
            case id, object, type, created, livemode
            case apiVersion = "api_version"
        }
    }

    private struct Kind: Decodable {
        var object: String?
    }

    private struct Wrapped<T: Decodable>: Decodable {
        var data: DataField
        struct DataField: Decodable { var object: T }
    }
}
