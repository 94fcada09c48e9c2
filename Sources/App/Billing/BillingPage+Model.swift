import Billing
import Core
import Foundation

/// `/settings/billing`: the plan, its renewal or end, the plan switcher, invoices, usage and Stripe's portal.
struct BillingPageView: Encodable {
    struct PlanOption: Encodable {
        let label: String
        let plan: String
        let interval: String
        let isSelected: Bool
        let isCurrent: Bool
    }

    struct InvoiceRow: Encodable {
        let date: String
        let number: String
        let amount: String
        let status: String
        let pdfURL: String?
        let hostedURL: String?
    }

    struct Preview: Encodable {
        let planLabel: String
        let plan: String
        let interval: String
        let proration: String
        let nextInvoice: String
        let prorationDate: Int
    }

    let csrf: String
    let requestID: String
    let planName: String
    let billingIsOn: Bool
    let offReason: String
    /// Said at the top while an administrator's plan overrides the one paid for.
    let administratorPlan: String?
    let isOwner: Bool
    let hasSubscription: Bool
    let statusLine: String?
    let isCancelling: Bool
    let notice: String?
    let error: String?
    let options: [PlanOption]
    let invoices: [InvoiceRow]
    let quotas: [QuotaBar]
    let preview: Preview?
    /// `billing.js`, this page's enhancement.
    let script: String
    /// Stripe.js; nil without a publishable key, when the checkout buttons stay hosted-only.
    let scriptURL: String?
    let publishableKey: String?
    let checkoutSessionAPI: String
    let checkoutAction: String
    let portalAction: String
    let cancelAction: String
    let reactivateAction: String
    let changePlanAction: String


    /// An amount in the currency's smallest unit, as Stripe gives it: cents for most, whole units for the
    /// zero-decimal currencies (yen, won…) and thousandths for the three-decimal ones.
    static func money(_ minorUnits: Int, _ currency: String) -> String {
        let code = currency.lowercased()
        let decimals = zeroDecimalCurrencies.contains(code) ? 0 : threeDecimalCurrencies.contains(code) ? 3 : 2
        let scale = [1, 10, 100, 1000][decimals]
        let whole = abs(minorUnits) / scale
        let amount = decimals == 0 ? String(whole) : "\(whole)." + String(format: "%0*d", decimals, abs(minorUnits) % scale)
        let sign = minorUnits < 0 ? "−" : ""
        return code == "eur" ? "\(sign)€\(amount)" : "\(sign)\(amount) \(currency.uppercased())"
    }

    /// Stripe's lists (docs.stripe.com/currencies): amounts in these are whole units, or thousandths.
    static let zeroDecimalCurrencies: Set<String> = ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]
    static let threeDecimalCurrencies: Set<String> = ["bhd", "jod", "kwd", "omr", "tnd"]

    init(status: BillingStatus, defaultPlanName: String, csrf: String, requestID: String, selected: (String?, String?),
         notice: String?, error: String?, preview: Preview?, script: (url: String, key: String)?, pageScript: String) {
        self.csrf = csrf
        self.requestID = requestID
        self.planName = status.plan.name
        self.billingIsOn = status.billing == "on"
        self.offReason = status.planSetByAdministrator
            ? "This deployment runs without Stripe, so nothing is sold here: workspaces have the \(defaultPlanName) plan, set by the operator with BMM_DEFAULT_PLAN, and an administrator gave this one the \(status.plan.name) plan."
            : "This deployment runs without Stripe, so nothing is sold here: every workspace has the \(defaultPlanName) plan, set by the operator with BMM_DEFAULT_PLAN."
        self.administratorPlan = status.planSetByAdministrator && self.billingIsOn
            ? "An administrator set this workspace's plan to \(status.plan.name). It applies whatever the subscription below says: changing or buying a plan here does not change the workspace's limits until they clear it."
            : nil
        self.isOwner = status.isOwner
        let subscription = status.subscription
        let active = subscription.map { SubscriptionSync.stillBills(linkedWith: $0.status) } ?? false
        self.hasSubscription = active
        self.isCancelling = subscription?.cancelAtPeriodEnd ?? false
        self.statusLine = subscription.flatMap { sub in
            // A subscription that is not in good standing says so first: "Renews on …" would be untrue or beside the point.
            switch sub.status {
            case "past_due": return "A payment failed; Stripe is retrying it. Update the payment method to keep the plan."
            case "unpaid": return "Payments failed and Stripe stopped retrying: the plan has ended. Pay the open invoice from Manage payment to restore it, or cancel the subscription."
            case "paused": return "The trial ended without a payment method, so the plan has ended. Choose a plan to start again."
            case "canceled", "incomplete_expired": return "The subscription has ended."
            case "incomplete": return "The first payment is still being confirmed."
            default: break
            }
            return sub.currentPeriodEnd.map { end in
                sub.cancelAtPeriodEnd ? "Ends on \(TimeText.day(end)); it will not renew."
                    : "Renews on \(TimeText.day(end))."
            }
        }
        self.notice = notice ?? status.notice
        self.error = error
        self.options = StripePriceTable.purchasable.flatMap { plan in
            BillingInterval.allCases.map { interval in
                PlanOption(
                    label: "\(PlanTable.plan(plan).name), \(interval == .month ? "monthly" : "yearly")",
                    plan: plan.rawValue, interval: interval.rawValue,
                    isSelected: selected.0 == plan.rawValue && (selected.1 ?? "month") == interval.rawValue,
                    isCurrent: active && subscription?.plan == plan.rawValue && subscription?.interval == interval.rawValue)
            }
        }
        self.invoices = status.invoices.map {
            InvoiceRow(date: $0.created.map { TimeText.day($0) } ?? "", number: $0.number ?? "Draft",
                       amount: Self.money($0.amount, $0.currency), status: ($0.status ?? "").capitalized,
                       pdfURL: $0.pdfURL, hostedURL: $0.hostedURL)
        }
        self.quotas = status.usage
        self.preview = preview
        self.script = pageScript
        self.scriptURL = script?.url
        self.publishableKey = script?.key
        self.checkoutSessionAPI = SiteRoute.api(.billingCheckoutSession).path
        self.checkoutAction = SiteRoute.billing(.checkout).path
        self.portalAction = SiteRoute.billing(.portal).path
        self.cancelAction = SiteRoute.billing(.cancel).path
        self.reactivateAction = SiteRoute.billing(.reactivate).path
        self.changePlanAction = SiteRoute.billing(.changePlan).path
    }
}
