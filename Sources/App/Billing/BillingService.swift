import Billing
import Core
import Fluent
import Foundation
import Vapor

/// What an owner can do to the workspace's subscription, over Stripe. Nothing here changes the workspace's plan:
/// Stripe confirms every change by webhook, and the webhook writes `organizations.plan` and the `subscriptions` row.
/// Reads of the live state (status, the page) ask Stripe so a change shows at once.
struct BillingService: Sendable {
    let database: any Database
    let now: Date
    let billing: BillingEnvironment
    /// Absolute URLs of the billing page, for Stripe's return and success/cancel URLs.
    let siteURL: @Sendable (SiteRoute) -> String
    /// The idempotency attempt of this action (``attempt(requestID:)``).
    let attempt: String

    /// How long a status read waits for Stripe before answering from the database alone.
    static let statusDeadline: Duration = .seconds(5)

    /// The `attempt` that goes into each Stripe idempotency key. A page renders a fresh request id into each form
    /// and the script sends a fresh one per click, so a retry of the same submission (a double click, a reload that
    /// re-posts, the client retrying after a timeout) reuses the key and Stripe answers with the first result, while
    /// a new deliberate action gets a new key. A caller that sends none (curl) makes a new request each time: a key
    /// shared by time would make Stripe replay the first of two identical actions (cancel, keep, cancel again within
    /// a minute) without applying the second.
    static func attempt(requestID: String?) -> String {
        if let requestID, (8...64).contains(requestID.count),
           requestID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            return "r:" + requestID
        }
        return "n:" + UUID().uuidString
    }

    struct Choice: Sendable, Equatable {
        let plan: PlanID
        let interval: BillingInterval
        let priceID: String
    }

    enum CheckoutAnswer: Sendable, Equatable {
        case clientSecret(String)
        case url(String)
    }

    // MARK: Reading

    var stripe: any StripeAPI {
        get throws { guard billing.isOn, let stripe = billing.stripe else { throw BillingFailure.billingOff }; return stripe }
    }

    func record(_ organization: Organization) async throws -> WorkspaceSubscription? {
        try await WorkspaceSubscription.query(on: database).filter(\.$organization.$id == organization.requireID()).first()
    }

    /// A purchasable plan and interval with a configured price.
    func choice(plan: String?, interval: String?) throws -> Choice {
        guard let id = plan.flatMap({ PlanID(rawValue: $0.lowercased()) }), StripePriceTable.purchasable.contains(id) else {
            throw BillingFailure.invalidPlan(plan?.lowercased())
        }
        guard let interval = interval.flatMap({ BillingInterval(rawValue: $0.lowercased()) }) else {
            throw BillingFailure.invalidInterval
        }
        guard let priceID = billing.settings.stripe?.prices.priceID(id, interval) else {
            throw APIError(.conflict, "plan_unavailable", "This plan cannot be bought on this deployment yet.")
        }
        return Choice(plan: id, interval: interval, priceID: priceID)
    }

    /// Stripe's live subscription and newest invoices, or nil when Stripe did not answer within the deadline or
    /// failed (the caller then shows the database's state with a notice).
    func live(_ record: WorkspaceSubscription?) async -> LiveBilling? {
        guard let record, let stripe = try? stripe else { return LiveBilling(subscription: nil, invoices: []) }
        let customerID = record.stripeCustomerID
        let subscriptionID = record.stripeSubscriptionID
        return await Self.withDeadline(Self.statusDeadline) {
            async let invoices = stripe.recentInvoices(customerID: customerID, limit: 5)
            var subscription: StripeSubscription?
            if let subscriptionID { subscription = try await stripe.subscription(id: subscriptionID) }
            return LiveBilling(subscription: subscription, invoices: try await invoices)
        }
    }

    // MARK: Changing (owners only; the caller checks)

    /// The workspace's Stripe customer: the one on record, or a new one, recorded before anything else uses it
    /// (the webhook finds the workspace from this row).
    func customer(for organization: Organization, email: String?) async throws -> WorkspaceSubscription {
        if let existing = try await record(organization) { return existing }
        let organizationID = try organization.requireID()
        let customer: StripeCustomer
        do {
            // A retry of the same action reuses the key, so Stripe replays its customer. A new action gets a new
            // key: Stripe keeps the answer to a key for 24 hours, a 500 included, and one failure must not block
            // every later checkout for a day. Two first checkouts racing can each make a customer; the row below
            // keeps one, and the other stays unused in Stripe.
            customer = try await stripe.createCustomer(
                workspaceID: organizationID.uuidString, email: email, name: organization.name, attempt: "workspace-customer:" + attempt)
        } catch let error as StripeError {
            throw BillingFailure.from(error)
        }
        let row = WorkspaceSubscription(organizationID: organizationID, stripeCustomerID: customer.id)
        do {
            try await row.create(on: database)
            return row
        } catch {
            // Two first checkouts at once: the other request recorded the same (replayed) customer.
            if let existing = try await record(organization) { return existing }
            throw error
        }
    }

    func checkout(_ organization: Organization, email: String?, choice: Choice, hosted: Bool) async throws -> CheckoutAnswer {
        let stripe = try stripe
        let row = try await customer(for: organization, email: email)
        if row.tracksBillingSubscription {
            throw row.status == "unpaid" ? BillingFailure.subscriptionUnpaid : BillingFailure.alreadySubscribed
        }
        // Stripe, not our row, is the authority here: a checkout paid a moment ago has a subscription that our row
        // learns of only when its webhook arrives, and Stripe would happily bill a second one (issue found paying
        // twice while the first webhook was delayed).
        let existing = try await call { try await stripe.subscriptions(customerID: row.stripeCustomerID) }
        if existing.contains(where: { SubscriptionSync.isLive($0.status) }) {
            throw BillingFailure.subscriptionPending
        }
        let ui: CheckoutUI = hosted
            ? .hostedPage(successURL: siteURL(.billing(.checkoutReturn)) + "?session_id={CHECKOUT_SESSION_ID}",
                          cancelURL: siteURL(.billing(.overview)))
            : .embeddedPage(returnURL: siteURL(.billing(.checkoutReturn)) + "?session_id={CHECKOUT_SESSION_ID}")
        let request = CheckoutSessionRequest(
            workspaceID: try organization.requireID().uuidString, customerID: row.stripeCustomerID, plan: choice.plan,
            interval: choice.interval, priceID: choice.priceID, ui: ui)
        let session = try await call { try await stripe.createCheckoutSession(request, attempt: attempt) }
        if hosted, let url = session.url { return .url(url) }
        if let secret = session.clientSecret { return .clientSecret(secret) }
        throw BillingFailure.from(.invalidResponse(status: 200))
    }

    func portal(_ organization: Organization) async throws -> String {
        let stripe = try stripe
        guard let row = try await record(organization) else { throw BillingFailure.noCustomer }
        let customerID = row.stripeCustomerID
        let returnURL = siteURL(.billing(.overview))
        return try await call { try await stripe.createPortalSession(customerID: customerID, returnURL: returnURL, attempt: attempt) }.url
    }

    func setCancelAtPeriodEnd(_ organization: Organization, _ cancel: Bool) async throws -> StripeSubscription {
        let stripe = try stripe
        let subscriptionID = try await subscriptionID(organization)
        return try await call { try await stripe.setCancelAtPeriodEnd(subscriptionID: subscriptionID, cancel, attempt: attempt) }
    }

    /// What moving to `choice` costs, computed for `prorationDate` (now); the confirmation sends the same date back
    /// so Stripe charges what the preview showed.
    func previewChange(_ organization: Organization, to choice: Choice) async throws -> (StripeInvoicePreview, Int) {
        let stripe = try stripe
        let change = try await priceChange(organization, to: choice, prorationDate: Int(now.timeIntervalSince1970))
        let preview = try await call { try await stripe.previewPriceChange(change, attempt: attempt) }
        return (preview, change.prorationDate ?? 0)
    }

    func confirmChange(_ organization: Organization, to choice: Choice, prorationDate: Int?) async throws -> StripeSubscription {
        let stripe = try stripe
        // A preview is shown, then confirmed within minutes; an older or future date is not one we handed out.
        let nowSeconds = Int(now.timeIntervalSince1970)
        guard let prorationDate, (nowSeconds - 3600...nowSeconds + 60).contains(prorationDate) else {
            throw APIError(.badRequest, "invalid_proration_date",
                           "Preview the change again: confirm it with the prorationDate of a preview from the last hour.")
        }
        let change = try await priceChange(organization, to: choice, prorationDate: prorationDate)
        return try await call { try await stripe.changePrice(change, attempt: attempt) }
    }

    private func subscriptionID(_ organization: Organization) async throws -> String {
        // An ended or paused subscription takes no cancel or keep: Stripe refuses the first, and the second has
        // nothing to renew.
        guard let row = try await record(organization), row.tracksBillingSubscription, let id = row.stripeSubscriptionID else {
            throw BillingFailure.noSubscription
        }
        return id
    }

    private func priceChange(_ organization: Organization, to choice: Choice, prorationDate: Int) async throws -> PriceChange {
        let stripe = try stripe
        guard let row = try await record(organization), row.tracksBillingSubscription, let subscriptionID = row.stripeSubscriptionID else {
            throw BillingFailure.noSubscription
        }
        // The item id and current price come from Stripe, not the row: the row lags until the webhook arrives.
        let subscription = try await call { try await stripe.subscription(id: subscriptionID) }
        guard let item = subscription.item else { throw BillingFailure.noSubscription }
        guard item.priceID != choice.priceID else {
            throw APIError(.conflict, "same_plan", "The workspace is already on this plan and interval.")
        }
        return PriceChange(customerID: row.stripeCustomerID, subscriptionID: subscriptionID, itemID: item.id,
                           priceID: choice.priceID, prorationDate: prorationDate)
    }

    private func call<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        do { return try await operation() } catch let error as StripeError { throw BillingFailure.from(error) }
    }

    /// `operation`'s result, or nil when it failed or took longer than `deadline` (it is then cancelled).
    static func withDeadline<T: Sendable>(_ deadline: Duration, _ operation: @escaping @Sendable () async throws -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { try? await operation() }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// Stripe's state of a workspace's billing, read live.
struct LiveBilling: Sendable {
    var subscription: StripeSubscription?
    var invoices: [StripeInvoice]
}

extension Request {
    func billingService(requestID: String? = nil) -> BillingService {
        let now = application.clock.now()
        let site = self.site
        return BillingService(database: db, now: now, billing: application.billing, siteURL: { site.url($0) },
                              attempt: BillingService.attempt(requestID: requestID))
    }
}
