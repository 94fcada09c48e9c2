import Core

/// Whether this deployment sells plans through Stripe. Without `STRIPE_SECRET_KEY` billing is off, the
/// self-hoster's mode: every workspace has `defaultPlan` and no Stripe call is ever made.
public struct BillingSettings: Sendable, Equatable {
    public struct Stripe: Sendable, Equatable {
        public var secretKey: String
        /// `whsec_…`: verifies `POST /v1/billing/webhook`. Required in production.
        public var webhookSecret: String?
        /// `pk_…`: Stripe.js mounts the embedded Checkout with it. Without it the page uses the hosted Checkout.
        public var publishableKey: String?
        /// `STRIPE_API_BASE`: Stripe, or a Stripe-compatible server on loopback for tests.
        public var apiBase: String
        /// `STRIPE_JS_URL`: where the billing page loads Stripe.js from (its origin is the only one CSP adds).
        public var scriptURL: String
        public var prices: StripePriceTable
    }

    /// `nil` when billing is off.
    public var stripe: Stripe?
    /// `BMM_DEFAULT_PLAN`: the plan of every workspace while billing is off (default Team).
    public var defaultPlan: PlanID

    public var isOn: Bool { stripe != nil }

    public static let off = BillingSettings(stripe: nil, defaultPlan: .team)

    static let defaultScriptURL = "https://js.stripe.com/endive/stripe.js"

    /// `test` or `live`, from a key's prefix (`sk_test_…`, `pk_live_…`).
    static func mode(_ key: String) -> String? {
        let parts = key.split(separator: "_", maxSplits: 2)
        guard parts.count == 3, ["test", "live"].contains(parts[1]) else { return nil }
        return String(parts[1])
    }

    /// Reads `STRIPE_*` and `BMM_DEFAULT_PLAN`; what is wrong goes to `problems`. Production with billing on
    /// needs the webhook secret and every price id, or paid plans could be bought but never applied.
    static func load(_ value: (String) -> String?, production: Bool, problems: inout [String]) -> BillingSettings {
        var defaultPlan = PlanID.team
        if let raw = value("BMM_DEFAULT_PLAN") {
            if let parsed = PlanID(rawValue: raw.lowercased()) { defaultPlan = parsed } else {
                problems.append("BMM_DEFAULT_PLAN must be one of \(PlanID.allCases.map(\.rawValue).joined(separator: ", ")), not `\(raw)`")
            }
        }
        guard let secretKey = value("STRIPE_SECRET_KEY") else {
            // Billing is off without the key: a webhook secret or a price id without it is most likely the key's name
            // mistyped, and every workspace would get the default plan for nothing.
            let companions = ["STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY", "STRIPE_PRICE_PRO_MONTHLY", "STRIPE_PRICE_PRO_YEARLY",
                              "STRIPE_PRICE_TEAM_MONTHLY", "STRIPE_PRICE_TEAM_YEARLY"].filter { value($0) != nil }
            if !companions.isEmpty {
                problems.append("\(companions.joined(separator: ", ")) \(companions.count == 1 ? "is" : "are") set but STRIPE_SECRET_KEY is not: set it to turn billing on, or remove \(companions.count == 1 ? "it" : "them")")
            }
            return BillingSettings(stripe: nil, defaultPlan: defaultPlan)
        }
        if !(secretKey.hasPrefix("sk_") || secretKey.hasPrefix("rk_")) || secretKey.contains(where: { $0.isWhitespace }) {
            problems.append("STRIPE_SECRET_KEY must be a Stripe secret key (sk_… or rk_…)")
        }
        let webhookSecret = value("STRIPE_WEBHOOK_SECRET")
        if let webhookSecret, !webhookSecret.hasPrefix("whsec_") {
            problems.append("STRIPE_WEBHOOK_SECRET must be the endpoint's signing secret (whsec_…)")
        }
        let publishableKey = value("STRIPE_PUBLISHABLE_KEY")
        if let publishableKey, !publishableKey.hasPrefix("pk_") {
            problems.append("STRIPE_PUBLISHABLE_KEY must be a publishable key (pk_…)")
        }
        // Test and live mode share no objects: a mixed pair fails only in the browser, at checkout.
        if let publishableKey, let secretMode = Self.mode(secretKey), let publishableMode = Self.mode(publishableKey), secretMode != publishableMode {
            problems.append("STRIPE_SECRET_KEY is a \(secretMode) key and STRIPE_PUBLISHABLE_KEY a \(publishableMode) one: both must come from the same mode")
        }
        var apiBase = value("STRIPE_API_BASE") ?? "https://api.stripe.com"
        while apiBase.hasSuffix("/") { apiBase.removeLast() }
        if (try? ServiceBaseURL(apiBase)) == nil {
            problems.append("STRIPE_API_BASE must be an https URL (http only on loopback), not `\(apiBase)`")
        }
        let scriptURL = value("STRIPE_JS_URL") ?? defaultScriptURL
        if (try? ServiceBaseURL(scriptURL)) == nil {
            problems.append("STRIPE_JS_URL must be an https URL (http only on loopback)")
        }
        let (prices, priceProblems) = StripePriceTable.load(value)
        problems += priceProblems
        if production {
            if webhookSecret == nil {
                problems.append("STRIPE_WEBHOOK_SECRET is required in production when billing is on (STRIPE_SECRET_KEY is set)")
            }
            for key in prices.missingKeys where priceProblems.allSatisfy({ !$0.hasPrefix(key.settingName) }) {
                problems.append("\(key.settingName) is required in production when billing is on")
            }
        }
        return BillingSettings(
            stripe: Stripe(secretKey: secretKey, webhookSecret: webhookSecret, publishableKey: publishableKey,
                           apiBase: apiBase, scriptURL: scriptURL, prices: prices),
            defaultPlan: defaultPlan)
    }
}
