import Billing
import Core
import Fluent
import Foundation

/// `invoice.paid` and `invoice.payment_failed` for the workspace's subscription (an invoice names it at
/// `parent.subscription_details.subscription`). Other invoices of the customer change nothing here.
struct InvoiceEvents: Sendable {
    /// Failed attempts after which creation and builds stop (Stripe's default smart-retry schedule tries more).
    static let suspendAfterAttempts = 3

    let context: StripeEventContext

    init(_ context: StripeEventContext) {
        self.context = context
    }

    /// A payment succeeded: failures are forgiven and a billing suspension lifted. Only a renewal
    /// (`subscription_cycle`) starts a new quota period; the first invoice, a plan change's proration or a manual
    /// invoice leave the usage counters alone.
    func paid(_ invoice: StripeInvoice) async throws -> StripeEventEffect {
        guard let account = try await account(for: invoice) else { return .none }
        let row = account.subscription
        let invoiceCreated = created(invoice)
        // Only the invoice whose payment failed settles its failures: another one paid meanwhile (a €0 invoice for a
        // plan change, an older one paid late) leaves that debt open. Rows from before the id was kept fall back
        // to comparing creation times.
        let settlesFailures = if let failed = row.failedInvoiceID {
            invoice.id == failed
        } else {
            row.failedInvoiceCreated.map { invoiceCreated >= $0 } ?? true
        }
        // Only the invoice that failed, or a first or renewal invoice, dates what is paid: a €0 plan-change invoice
        // paid between a renewal's failed attempts must not make the renewal's later failures read as history.
        if settlesFailures || Self.billsPeriod(invoice) {
            row.paidInvoiceCreated = max(row.paidInvoiceCreated ?? .min, invoiceCreated)
        }
        if settlesFailures { row.clearFailures() }
        if row.hasChanges { try await row.save(on: context.database) }
        if settlesFailures {
            _ = try await context.restoreBilling(of: account)
        } else {
            context.logger.info(
                "stripe webhook \(context.event.id): invoice \(invoice.id) is not the one whose payment failed (\(row.failedInvoiceID ?? "older")); the failures stand")
        }
        if invoice.billingReason == "subscription_cycle" {
            let start = Date(timeIntervalSince1970: TimeInterval(Self.periodStart(invoice) ?? context.event.created))
            let organization = account.organization
            // A late delivery of last period's renewal must not move the period back.
            if organization.quotaPeriodStart.map({ $0 < start }) ?? true {
                organization.quotaPeriodStart = start
                try await organization.save(on: context.database)
            }
        }
        return StripeEventEffect(changed: true)
    }

    /// `invoice.voided` and `invoice.marked_uncollectible`: the invoice whose payment failed is no longer owed
    /// (Stripe gave up collecting it, or someone cancelled it), so its failures stop holding the workspace back.
    func forgiven(_ invoice: StripeInvoice) async throws -> StripeEventEffect {
        guard let account = try await account(for: invoice) else { return .none }
        let row = account.subscription
        guard let failed = row.failedInvoiceID, failed == invoice.id else { return .none }
        row.clearFailures()
        try await row.save(on: context.database)
        _ = try await context.restoreBilling(of: account)
        return StripeEventEffect(changed: true)
    }

    /// Stores how many attempts failed, tells the owner, and suspends creation and builds from the third.
    func paymentFailed(_ invoice: StripeInvoice) async throws -> StripeEventEffect {
        guard let account = try await account(for: invoice) else { return .none }
        let row = account.subscription
        // A failure delivered after the invoice (or a newer one) was paid is history, not a debt.
        let invoiceCreated = created(invoice)
        if let paid = row.paidInvoiceCreated, invoiceCreated <= paid {
            context.logger.info("stripe webhook \(context.event.id): invoice \(invoice.id) failed before an invoice at least as new was paid; nothing changed")
            return .none
        }
        // Deliveries can arrive out of order: a late attempt 2 must not undo attempt 3.
        let attempts = max(row.failedPaymentAttempts, invoice.attemptCount ?? row.failedPaymentAttempts + 1)
        row.failedPaymentAttempts = attempts
        if invoiceCreated >= (row.failedInvoiceCreated ?? .min) { row.failedInvoiceID = invoice.id }
        row.failedInvoiceCreated = max(row.failedInvoiceCreated ?? .min, invoiceCreated)
        try await row.save(on: context.database)
        var suspended = account.organization.billingSuspendedAt != nil
        if attempts >= Self.suspendAfterAttempts {
            _ = try await context.suspendBilling(of: account, attempts: attempts)
            suspended = true
        }
        var effect = StripeEventEffect(changed: true)
        if let email = try await context.ownerEmail(of: account) {
            effect.notices.append(PaymentFailedNotice(
                to: email, workspace: account.organization.name, planName: row.planID.map { PlanTable.plan($0).name },
                reason: .invoice(attempt: invoice.attemptCount ?? attempts, suspended: suspended)))
        } else {
            context.logger.warning("stripe webhook \(context.event.id): the workspace has no owner with an email address to tell")
        }
        return effect
    }

    /// The workspace's account, if the invoice belongs to its subscription. Before Checkout's completion arrives
    /// the row has no subscription yet, and the invoice's names it.
    private func account(for invoice: StripeInvoice) async throws -> BillingAccount? {
        guard let subscriptionID = invoice.subscriptionID else {
            context.logger.info("stripe webhook \(context.event.id): invoice \(invoice.id) belongs to no subscription; nothing changed")
            return nil
        }
        guard let account = try await context.account(customerID: invoice.customerID) else { return nil }
        let row = account.subscription
        if let current = row.stripeSubscriptionID, current != subscriptionID {
            context.logger.warning(
                "stripe webhook \(context.event.id): invoice \(invoice.id) is for \(subscriptionID), the workspace is on \(current); nothing changed")
            return nil
        }
        if row.stripeSubscriptionID == nil {
            row.stripeSubscriptionID = subscriptionID
            try await row.save(on: context.database)
        }
        return account
    }

    /// When Stripe created the invoice (the event's time if the payload lacks it).
    private func created(_ invoice: StripeInvoice) -> Int64 {
        Int64(invoice.created ?? context.event.created)
    }

    /// A subscription's first invoice or a renewal (or one whose reason the payload leaves out): the invoices a
    /// payment failure can be about, unlike a plan change's proration or a one-off invoice.
    static func billsPeriod(_ invoice: StripeInvoice) -> Bool {
        invoice.billingReason.map { ["subscription_create", "subscription_cycle", "subscription"].contains($0) } ?? true
    }

    /// The renewal's new period, from the subscription's line (a renewal invoice has one line per item).
    static func periodStart(_ invoice: StripeInvoice) -> Int? {
        invoice.lines.filter { !$0.proration }.compactMap(\.periodStart).max()
    }
}
