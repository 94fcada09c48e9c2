/// The Stripe price (`price_…`) each paid plan is sold at, per interval, from configuration
/// (`STRIPE_PRICE_PRO_MONTHLY`, `STRIPE_PRICE_PRO_YEARLY`, `STRIPE_PRICE_TEAM_MONTHLY`, `STRIPE_PRICE_TEAM_YEARLY`).
/// Beside ``PlanTable``: the plan table says what a plan gives, this says which Stripe price buys it, and a
/// subscription's price is mapped back to a plan through it (never through metadata a client could set).
public struct StripePriceTable: Sendable, Equatable {
    /// Plans sold through Checkout. Hobby is free; Enterprise is priced by contract (an administrator sets it).
    public static let purchasable: [PlanID] = PlanTable.all.filter { !$0.isFree && !$0.isCustomPriced }.map(\.id)

    public private(set) var ids: [Key: String]

    public struct Key: Hashable, Sendable {
        public var plan: PlanID
        public var interval: BillingInterval

        public init(_ plan: PlanID, _ interval: BillingInterval) {
            self.plan = plan
            self.interval = interval
        }

        /// `STRIPE_PRICE_PRO_MONTHLY` and so on.
        public var settingName: String { "STRIPE_PRICE_\(plan.rawValue.uppercased())_\(interval.settingSuffix)" }
    }

    public init(_ ids: [Key: String] = [:]) {
        self.ids = ids
    }

    /// Every key a complete table has: each purchasable plan in each interval.
    public static var requiredKeys: [Key] {
        purchasable.flatMap { plan in BillingInterval.allCases.map { Key(plan, $0) } }
    }

    public func priceID(_ plan: PlanID, _ interval: BillingInterval) -> String? { ids[Key(plan, interval)] }

    /// The plan and interval a subscription's price stands for; `nil` for a price this deployment does not sell.
    public func plan(forPrice priceID: String) -> Key? {
        ids.first { $0.value == priceID }?.key
    }

    /// The keys without a price id.
    public var missingKeys: [Key] { Self.requiredKeys.filter { ids[$0] == nil } }

    /// Reads the table from settings. A product id (`prod_…`) is the usual mistake, since the dashboard shows it
    /// first: it is refused with a message that says which id to copy instead.
    public static func load(_ value: (String) -> String?) -> (table: StripePriceTable, problems: [String]) {
        var ids: [Key: String] = [:]
        var problems: [String] = []
        for key in requiredKeys {
            guard let raw = value(key.settingName) else { continue }
            if raw.hasPrefix("prod_") {
                problems.append(
                    "\(key.settingName) is a product id (`prod_…`); Checkout needs the price id (`price_…`) shown under the product's pricing")
            } else if !raw.hasPrefix("price_") || !raw.utf8.allSatisfy(Self.isIDCharacter) || raw.utf8.count > 255 {
                problems.append("\(key.settingName) must be a Stripe price id such as price_1Q…, not `\(raw)`")
            } else if let other = ids.first(where: { $0.value == raw })?.key {
                problems.append("\(key.settingName) repeats the price of \(other.settingName); each plan and interval needs its own price")
            } else {
                ids[key] = raw
            }
        }
        return (StripePriceTable(ids), problems)
    }

    private static func isIDCharacter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
}
