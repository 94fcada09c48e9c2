import Billing
import Core
import Fluent
import Foundation

/// `customer.subscription.created/updated/deleted`: copies the subscription's state to the workspace's row and
/// sets the workspace's plan from the price (through the configured price table, never metadata). Events apply in
/// Stripe's `created` order per subscription: one older than the newest applied changes nothing, so a late
/// delivery never overwrites newer state. Events created in the same second apply (Stripe's clock has no finer
/// grain, and a later delivery of the same second is more likely the newer state), except one whose status the
/// subscription cannot return to (``isStale(_:after:)``): Stripe does not guarantee delivery order, and a
/// `.updated` (active) arriving after the same second's `.deleted` must not sell a cancelled plan again.
struct SubscriptionSync: Sendable {
    let context: StripeEventContext
    let prices: StripePriceTable

    init(_ context: StripeEventContext, prices: StripePriceTable) {
        self.context = context
        self.prices = prices
    }

    func apply(_ subscription: StripeSubscription, deleted: Bool) async throws -> StripeEventEffect {
        let event = context.event
        guard let account = try await context.account(customerID: subscription.customerID) else { return .none }
        let row = account.subscription
        let ends = deleted || Self.endedStatuses.contains(subscription.status)
        if let current = row.stripeSubscriptionID, current != subscription.id {
            if ends {
                context.logger.info("stripe webhook \(event.id): \(subscription.id) ended, but the workspace is on \(current); nothing changed")
                return .none
            }
            // Another live subscription of the same customer (two checkouts paid at once) never takes over from the
            // one the workspace is on: its plan would replace the one being billed, and the tracked one would be lost.
            if row.tracksLiveSubscription {
                context.logger.error(
                    "stripe webhook \(event.id): the customer's subscription \(subscription.id) is \(subscription.status) while the workspace is on \(current); nothing changed. Cancel the one not wanted in Stripe's dashboard.")
                return .none
            }
        }
        if let applied = row.stateEventCreated, Int64(event.created) < applied {
            context.logger.info("stripe webhook \(event.id): older than the state already applied to \(subscription.id); nothing changed")
            return .none
        }
        if row.stripeSubscriptionID == subscription.id, let stored = row.status, Self.isStale(subscription.status, after: stored) {
            context.logger.info("stripe webhook \(event.id): \(subscription.id) cannot go from \(stored) back to \(subscription.status); nothing changed")
            return .none
        }

        let priced = subscription.priceID.flatMap(prices.plan(forPrice:))
        if priced == nil {
            context.logger.warning(
                "stripe webhook \(event.id): \(subscription.id) has price \(subscription.priceID ?? "none"), which no STRIPE_PRICE_* names; the plan stays")
        }
        row.stripeSubscriptionID = subscription.id
        row.status = subscription.status
        row.cancelAtPeriodEnd = subscription.cancelAtPeriodEnd
        row.currentPeriodStart = subscription.currentPeriodStart.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        row.currentPeriodEnd = subscription.currentPeriodEnd.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        if let priced {
            row.plan = priced.plan.rawValue
            row.interval = subscription.item?.interval ?? priced.interval.rawValue
        }
        row.stateEventCreated = Int64(event.created)
        try await row.save(on: context.database)

        if let plan = Self.plan(status: subscription.status, ends: ends, priced: priced?.plan) {
            _ = try await context.setPlan(plan, of: account, subscriptionID: subscription.id)
        }
        if ends {
            // Nothing is owed for a plan that ended: the free plan is not held back by its unpaid invoices. Its monthly
            // quotas start a month of their own when the paid plan ended: counted in the paid period (stretched to
            // 35 days while a renewal was retried), a month of paid use would leave the free plan nothing.
            row.clearFailures()
            try await row.save(on: context.database)
            _ = try await context.restoreBilling(of: account)
            account.organization.quotaPeriodStart = Date(timeIntervalSince1970: TimeInterval(event.created))
            try await account.organization.save(on: context.database)
        }
        return StripeEventEffect(changed: true)
    }

    /// Whether `status` is older than the `stored` one of the same subscription, whatever the events' times say:
    /// a canceled or expired subscription is never revived (a new one is made instead), and `incomplete` is only
    /// ever a subscription's first status.
    static func isStale(_ status: String, after stored: String) -> Bool {
        guard status != stored else { return false }
        return terminalStatuses.contains(stored) || status == "incomplete"
    }

    /// Statuses a subscription never leaves: a workspace in one may start a new subscription.
    static let terminalStatuses: Set<String> = ["canceled", "incomplete_expired"]

    /// A subscription in this status may still bill: neither terminal nor ended.
    static func isLive(_ status: String) -> Bool {
        !terminalStatuses.contains(status) && !endedStatuses.contains(status)
    }

    /// Whether Stripe may still invoice a subscription in this status: `unpaid` keeps making invoices it no longer
    /// collects (paying the latest one makes it active again), `paused` makes none. Cancel, keep and plan changes act
    /// only on such a subscription, and a workspace with one does not start a second.
    static func stillBills(_ status: String) -> Bool {
        !terminalStatuses.contains(status) && status != "paused"
    }

    /// `stillBills` for a linked subscription whose status may not be heard yet (nil): it may bill.
    static func stillBills(linkedWith status: String?) -> Bool {
        status.map(stillBills) ?? true
    }

    /// Statuses after which the subscription buys nothing: `paused` is a trial that ended without a payment method.
    static let endedStatuses: Set<String> = ["canceled", "unpaid", "incomplete_expired", "paused"]

    /// The workspace's plan for a subscription state, or nil to leave it. Active, trialing and past due (Stripe is
    /// still retrying) get the price's plan; an ended subscription falls back to Hobby; `incomplete` (the first
    /// payment still pending) and an unknown price change nothing.
    static func plan(status: String, ends: Bool, priced: PlanID?) -> PlanID? {
        if ends { return .hobby }
        guard ["active", "trialing", "past_due"].contains(status) else { return nil }
        return priced
    }
}
