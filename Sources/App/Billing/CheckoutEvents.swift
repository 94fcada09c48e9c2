import Billing
import Core
import Fluent
import Foundation

/// `checkout.session.*`: ties the new subscription to the workspace's row. The plan itself follows the
/// subscription events, which carry the price. The session's `client_reference_id` is the workspace the billing
/// API opened it for, and it must be the workspace that owns the session's customer: a session that names another
/// workspace (or a customer nobody here created) changes nothing.
struct CheckoutEvents: Sendable {
    let context: StripeEventContext

    init(_ context: StripeEventContext) {
        self.context = context
    }

    func completed(_ session: StripeCheckoutSession) async throws -> StripeEventEffect {
        guard let account = try await account(for: session) else { return .none }
        var effect = try await link(session, to: account)
        // A delayed method (SEPA debit) completes unpaid; its outcome arrives as async_payment_succeeded/failed.
        if session.paymentStatus == "paid" {
            effect.changed = try await paid(account) || effect.changed
        }
        return effect
    }

    func asyncPaymentSucceeded(_ session: StripeCheckoutSession) async throws -> StripeEventEffect {
        guard let account = try await account(for: session) else { return .none }
        var effect = try await link(session, to: account)
        effect.changed = try await paid(account) || effect.changed
        return effect
    }

    /// The debit bounced: the plan stays as it was (the subscription events say what Stripe did with it) and the
    /// owner hears how to pay another way.
    func asyncPaymentFailed(_ session: StripeCheckoutSession) async throws -> StripeEventEffect {
        guard let account = try await account(for: session) else { return .none }
        var effect = try await link(session, to: account)
        if let email = try await context.ownerEmail(of: account) {
            effect.notices.append(PaymentFailedNotice(to: email, workspace: account.organization.name,
                                                      planName: account.subscription.planID.map { PlanTable.plan($0).name },
                                                      reason: .bankDebitFailed))
        } else {
            context.logger.warning("stripe webhook \(context.event.id): the workspace has no owner with an email address to tell")
        }
        effect.changed = true
        return effect
    }

    private func account(for session: StripeCheckoutSession) async throws -> BillingAccount? {
        guard let account = try await context.account(customerID: session.customerID) else { return nil }
        let owner = try account.organization.requireID().uuidString
        guard let reference = session.clientReferenceID, reference.caseInsensitiveCompare(owner) == .orderedSame else {
            context.logger.warning(
                "stripe webhook \(context.event.id): checkout session \(session.id) names workspace \(session.clientReferenceID ?? "none") but its customer belongs to \(owner); recorded without effect")
            return nil
        }
        return account
    }

    private func link(_ session: StripeCheckoutSession, to account: BillingAccount) async throws -> StripeEventEffect {
        let row = account.subscription
        guard let subscriptionID = session.subscriptionID, row.stripeSubscriptionID != subscriptionID else { return .none }
        // A second checkout paid while the first was still settling: the workspace stays on the first subscription
        // (see SubscriptionSync), and the operator hears of the second, which Stripe bills too.
        if let current = row.stripeSubscriptionID, row.tracksLiveSubscription {
            context.logger.error(
                "stripe webhook \(context.event.id): checkout \(session.id) made subscription \(subscriptionID) while the workspace is on \(current); nothing changed. Cancel the one not wanted in Stripe's dashboard.")
            return .none
        }
        // The stored status and event time were the ended subscription's: kept, the new one's events would read
        // as the old one coming back from `canceled` and be ignored for good (see SubscriptionSync.isStale).
        row.stripeSubscriptionID = subscriptionID
        row.status = nil
        row.stateEventCreated = nil
        row.cancelAtPeriodEnd = false
        try await row.save(on: context.database)
        return StripeEventEffect(changed: true)
    }

    /// A payment went through: earlier failures no longer hold creation and builds back.
    private func paid(_ account: BillingAccount) async throws -> Bool {
        var changed = false
        if account.subscription.failedPaymentAttempts != 0 {
            account.subscription.failedPaymentAttempts = 0
            try await account.subscription.save(on: context.database)
            changed = true
        }
        return try await context.restoreBilling(of: account) || changed
    }
}
