struct PlanCard: Encodable {
    struct Feature: Encodable {
        let label: String
        /// One of `included`, `not_included`, `coming_soon`, `by_contract`.
        let availability: String
        /// Short badge text for anything but `included` ("Coming soon", "By contract").
        let badge: String?
    }
    let id: String
    let name: String
    let tagline: String
    /// Price shown when monthly billing is selected, e.g. "€29" or "€0" or "Custom".
    let monthlyPrice: String
    let monthlyNote: String
    /// Price shown when yearly billing is selected (per month), e.g. "€24".
    let yearlyPrice: String
    let yearlyNote: String
    /// Quota lines: hosted servers, daily drafts, daily builds, AI model, audit log.
    let limits: [String]
    let features: [Feature]
    let action: Link
    /// The same action for the yearly price, where it differs (shown when the toggle says Yearly).
    let yearlyAction: Link?
    let isFeatured: Bool
}

struct PricingView: Encodable {
    struct ComparisonRow: Encodable {
        let label: String
        /// One cell per plan, in plan order.
        let values: [String]
    }
    let plans: [PlanCard]
    let planNames: [String]
    let comparison: [ComparisonRow]
    /// Honest fine print under the table (no SLA, Enterprise by contract, VAT).
    let notes: [String]
}
