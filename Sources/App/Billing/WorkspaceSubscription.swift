import Core
import Fluent
import Foundation

/// A workspace's Stripe customer and its subscription (see `CreateSubscriptions`). The workspace's plan itself is
/// `organizations.plan`, written in the same transaction as this row by the webhook that confirmed it.
final class WorkspaceSubscription: Model, @unchecked Sendable {
    static let schema = "subscriptions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "stripe_customer_id") var stripeCustomerID: String
    @OptionalField(key: "stripe_subscription_id") var stripeSubscriptionID: String?
    /// The plan the subscription's price buys (`PlanID`), mapped through the configured price table.
    @OptionalField(key: "plan") var plan: String?
    @OptionalField(key: "billing_interval") var interval: String?
    /// Stripe's subscription status: `active`, `past_due`, `canceled`, …
    @OptionalField(key: "status") var status: String?
    @Field(key: "cancel_at_period_end") var cancelAtPeriodEnd: Bool
    @OptionalField(key: "current_period_start") var currentPeriodStart: Date?
    @OptionalField(key: "current_period_end") var currentPeriodEnd: Date?
    /// Stripe's `created` (Unix seconds) of the newest event applied to the subscription's state.
    @OptionalField(key: "state_event_created") var stateEventCreated: Int64?
    @Field(key: "failed_payment_attempts") var failedPaymentAttempts: Int
    /// Stripe's `created` (Unix seconds) of the newest invoice whose payment failed, while failures are counted.
    @OptionalField(key: "failed_invoice_created") var failedInvoiceCreated: Int64?
    /// Stripe's `created` of the newest paid invoice: a failure reported for it, or for an older one, is stale.
    @OptionalField(key: "paid_invoice_created") var paidInvoiceCreated: Int64?
    /// The invoice whose failed payment is counted: only its payment (or Stripe voiding it, or writing it off)
    /// settles the failures. Another invoice paid meanwhile, a €0 one for a plan change say, does not.
    @OptionalField(key: "failed_invoice_id") var failedInvoiceID: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID, stripeCustomerID: String) {
        self.$organization.id = organizationID
        self.stripeCustomerID = stripeCustomerID
        self.cancelAtPeriodEnd = false
        self.failedPaymentAttempts = 0
    }

    var planID: PlanID? { plan.flatMap(PlanID.init(rawValue:)) }

    /// Whether the row names a subscription that may still bill: linked (its status not heard yet) or in a status
    /// it can leave. A workspace on one never switches to another subscription of the same customer.
    var tracksLiveSubscription: Bool {
        guard stripeSubscriptionID != nil else { return false }
        guard let status else { return true }
        return SubscriptionSync.isLive(status)
    }

    /// Whether the row names a subscription Stripe may still invoice (linked and not heard of yet, or
    /// ``SubscriptionSync/stillBills(_:)``).
    var tracksBillingSubscription: Bool {
        guard stripeSubscriptionID != nil else { return false }
        return SubscriptionSync.stillBills(linkedWith: status)
    }

    /// The failed payments are settled (paid, forgiven, or the plan ended): nothing holds the workspace back.
    func clearFailures() {
        failedPaymentAttempts = 0
        failedInvoiceCreated = nil
        failedInvoiceID = nil
    }
    var billingInterval: BillingInterval? { interval.flatMap(BillingInterval.init(rawValue:)) }
}
