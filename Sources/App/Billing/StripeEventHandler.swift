import Billing
import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// Applies one verified event inside the ledger's transaction. Each handler finds the workspace from the Stripe
/// customer through the `subscriptions` row the billing API created before Checkout, never from metadata or a
/// client reference alone; an event it cannot tie to a workspace is recorded with no effect.
struct StripeEventHandler: Sendable {
    let database: any Database
    let now: Date
    let prices: StripePriceTable
    let audit: AuditLog
    let logger: Logger

    func handle(_ event: StripeEvent) async throws -> StripeEventEffect {
        let context = StripeEventContext(event: event, database: database, now: now, audit: audit, logger: logger)
        switch event.payload {
        case .checkoutSessionCompleted(let session):
            return try await CheckoutEvents(context).completed(session)
        case .checkoutSessionAsyncPaymentSucceeded(let session):
            return try await CheckoutEvents(context).asyncPaymentSucceeded(session)
        case .checkoutSessionAsyncPaymentFailed(let session):
            return try await CheckoutEvents(context).asyncPaymentFailed(session)
        case .subscriptionCreated(let subscription), .subscriptionUpdated(let subscription):
            return try await SubscriptionSync(context, prices: prices).apply(subscription, deleted: false)
        case .subscriptionDeleted(let subscription):
            return try await SubscriptionSync(context, prices: prices).apply(subscription, deleted: true)
        case .invoicePaid(let invoice):
            return try await InvoiceEvents(context).paid(invoice)
        case .invoicePaymentFailed(let invoice):
            return try await InvoiceEvents(context).paymentFailed(invoice)
        case .invoiceForgiven(let invoice):
            return try await InvoiceEvents(context).forgiven(invoice)
        case .other(let type):
            logger.debug("stripe webhook \(event.id): \(type) is not handled; recorded")
            return .none
        }
    }
}

/// What every handler shares: the event, the transaction, and the workspace-level changes, each audited.
struct StripeEventContext: Sendable {
    let event: StripeEvent
    let database: any Database
    let now: Date
    let audit: AuditLog
    let logger: Logger

    /// The customer's row and workspace, locked on PostgreSQL until the transaction ends, so two events for one
    /// customer apply one after the other and the `created` order check sees the other's write. (SQLite has a
    /// single writer; the ledger's first write already holds it.)
    func account(customerID: String?) async throws -> BillingAccount? {
        guard let customerID else {
            logger.warning("stripe webhook \(event.id) (\(event.type)): no customer; recorded without effect")
            return nil
        }
        if let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT id FROM subscriptions WHERE stripe_customer_id = \(bind: customerID) FOR UPDATE").run()
        }
        guard let row = try await WorkspaceSubscription.query(on: database).filter(\.$stripeCustomerID == customerID)
            .with(\.$organization).first()
        else {
            logger.warning("stripe webhook \(event.id) (\(event.type)): customer \(customerID) belongs to no workspace; recorded without effect")
            return nil
        }
        return BillingAccount(subscription: row, organization: row.organization)
    }

    /// Sets the workspace's paid-for plan; audited when it changes.
    func setPlan(_ plan: PlanID, of account: BillingAccount, subscriptionID: String?) async throws -> Bool {
        let organization = account.organization
        let previous = organization.plan
        guard previous != plan.rawValue else { return false }
        organization.plan = plan.rawValue
        try await organization.save(on: database)
        try await audit.record("billing.plan_changed", organization: organization.id, resourceType: "subscription",
                               resourceID: subscriptionID, metadata: ["from": previous, "to": plan.rawValue, "event": event.id])
        return true
    }

    /// Creation and builds stop until a payment succeeds; running servers keep serving.
    func suspendBilling(of account: BillingAccount, attempts: Int) async throws -> Bool {
        guard account.organization.billingSuspendedAt == nil else { return false }
        account.organization.billingSuspendedAt = now
        try await account.organization.save(on: database)
        try await audit.record("billing.suspended", organization: account.organization.id, resourceType: "subscription",
                               resourceID: account.subscription.stripeSubscriptionID,
                               metadata: ["failed_attempts": String(attempts), "event": event.id])
        return true
    }

    func restoreBilling(of account: BillingAccount) async throws -> Bool {
        guard account.organization.billingSuspendedAt != nil else { return false }
        account.organization.billingSuspendedAt = nil
        try await account.organization.save(on: database)
        try await audit.record("billing.restored", organization: account.organization.id, resourceType: "subscription",
                               resourceID: account.subscription.stripeSubscriptionID, metadata: ["event": event.id])
        return true
    }

    /// The workspace's first owner with an email address, for billing notices.
    func ownerEmail(of account: BillingAccount) async throws -> String? {
        let owners = try await Membership.query(on: database).filter(\.$organization.$id == account.organization.requireID())
            .filter(\.$role == Membership.Role.owner.rawValue).sort(\.$createdAt).with(\.$user).all()
        return owners.lazy.compactMap(\.user.email).first
    }
}

/// A workspace's `subscriptions` row and the workspace itself.
struct BillingAccount: Sendable {
    let subscription: WorkspaceSubscription
    let organization: Organization
}
