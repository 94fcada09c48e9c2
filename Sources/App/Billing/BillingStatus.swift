import Billing
import Core
import Foundation

/// `GET /v1/billing/status`: the database's state, Stripe's live state when it answers, and this period's usage.
struct BillingStatus: Encodable, Sendable {
    struct PlanInfo: Encodable, Sendable {
        let id: String
        let name: String
    }

    struct Subscription: Encodable, Sendable {
        let status: String?
        let plan: String?
        let interval: String?
        let cancelAtPeriodEnd: Bool
        let currentPeriodEnd: Date?
        /// `stripe` when read live, `database` when Stripe did not answer.
        let source: String
    }

    struct Invoice: Encodable, Sendable {
        let number: String?
        let created: Date?
        let amount: Int
        let currency: String
        let status: String?
        let pdfURL: String?
        let hostedURL: String?
    }

    let billing: String
    let plan: PlanInfo
    /// Whether `plan` is one an administrator set (`/admin`): it applies whatever the subscription says, so a
    /// customer must hear it before paying for another.
    let planSetByAdministrator: Bool
    let isOwner: Bool
    let subscription: Subscription?
    let invoices: [Invoice]
    let usage: [QuotaBar]
    let notice: String?

    static let stripeDownNotice =
        "Stripe, our payment provider, did not answer in time: this shows the state we last heard, and invoices are missing. Reload in a minute."

    init(plan: Plan, planSetByAdministrator: Bool, isOwner: Bool, billingIsOn: Bool, record: WorkspaceSubscription?, live: LiveBilling?,
         prices: StripePriceTable?, usage: [QuotaBar]) {
        self.billing = billingIsOn ? "on" : "off"
        self.plan = PlanInfo(id: plan.id.rawValue, name: plan.name)
        self.planSetByAdministrator = planSetByAdministrator
        self.isOwner = isOwner
        self.usage = usage
        if let live, let subscription = live.subscription {
            let key = subscription.priceID.flatMap { prices?.plan(forPrice: $0) }
            self.subscription = Subscription(
                status: subscription.status, plan: key?.plan.rawValue, interval: subscription.item?.interval,
                cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
                currentPeriodEnd: subscription.currentPeriodEnd.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                source: "stripe")
        } else if let record, record.stripeSubscriptionID != nil {
            self.subscription = Subscription(
                status: record.status, plan: record.plan, interval: record.interval,
                cancelAtPeriodEnd: record.cancelAtPeriodEnd, currentPeriodEnd: record.currentPeriodEnd, source: "database")
        } else {
            self.subscription = nil
        }
        self.invoices = (live?.invoices ?? []).prefix(5).map {
            Invoice(number: $0.number, created: $0.created.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                    amount: $0.total ?? $0.amountDue ?? 0, currency: $0.currency ?? "eur", status: $0.status,
                    pdfURL: $0.invoicePDF, hostedURL: $0.hostedInvoiceURL)
        }
        self.notice = billingIsOn && live == nil ? Self.stripeDownNotice : nil
    }
}
