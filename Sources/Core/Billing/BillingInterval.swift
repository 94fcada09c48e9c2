/// How a plan is billed. The raw values are Stripe's `recurring.interval`.
public enum BillingInterval: String, CaseIterable, Codable, Sendable {
    case month
    case year

    /// The word the configuration uses: `STRIPE_PRICE_PRO_MONTHLY`, `…_YEARLY`.
    public var settingSuffix: String {
        switch self {
        case .month: "MONTHLY"
        case .year: "YEARLY"
        }
    }
}
