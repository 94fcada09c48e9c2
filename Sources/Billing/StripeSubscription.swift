/// The fields of a Subscription the app uses. Since the 2025 API versions the billing period lives on each
/// subscription item, not on the subscription; ``currentPeriodStart`` and ``currentPeriodEnd`` read it from there,
/// and from the subscription's own fields in a payload of an older version (a webhook endpoint sends events in its
/// own API version, which the request header does not set).
public struct StripeSubscription: Decodable, Equatable, Sendable {
    public var id: String
    public var customerID: String?
    /// `incomplete`, `incomplete_expired`, `trialing`, `active`, `past_due`, `canceled`, `unpaid` or `paused`.
    public var status: String
    public var cancelAtPeriodEnd: Bool
    public var cancelAt: Int?
    public var canceledAt: Int?
    public var created: Int?
    public var items: [Item]
    public var metadata: [String: String]
    /// The period as versions before 2025-03-31 put it, on the subscription.
    private var legacyPeriodStart: Int?
    private var legacyPeriodEnd: Int?

    public struct Item: Decodable, Equatable, Sendable {
        public var id: String
        public var priceID: String?
        /// `month` or `year`, from the price's `recurring.interval`.
        public var interval: String?
        public var quantity: Int?
        public var currentPeriodStart: Int?
        public var currentPeriodEnd: Int?

        private enum CodingKeys: String, CodingKey {
            case id, price, quantity
            case currentPeriodStart = "current_period_start"
            case currentPeriodEnd = "current_period_end"
        }

        private struct Price: Decodable {
            var id: String
            var recurring: Recurring?
            struct Recurring: Decodable { var interval: String? }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.id = try container.decode(String.self, forKey: .id)
            let price = try container.decodeIfPresent(Price.self, forKey: .price)
            self.priceID = price?.id
            self.interval = price?.recurring?.interval
            self.quantity = try container.decodeIfPresent(Int.self, forKey: .quantity)
            self.currentPeriodStart = try container.decodeIfPresent(Int.self, forKey: .currentPeriodStart)
            self.currentPeriodEnd = try container.decodeIfPresent(Int.self, forKey: .currentPeriodEnd)
        }
    }

    /// The single item a plan subscription has (the app never adds a second).
    public var item: Item? { items.first }
    public var priceID: String? { item?.priceID }
    public var currentPeriodStart: Int? { items.compactMap(\.currentPeriodStart).min() ?? legacyPeriodStart }
    public var currentPeriodEnd: Int? { items.compactMap(\.currentPeriodEnd).max() ?? legacyPeriodEnd }

    private enum CodingKeys: String, CodingKey {
        case id, customer, status, items, metadata, created
        case legacyPeriodStart = "current_period_start"
        case legacyPeriodEnd = "current_period_end"
        case cancelAtPeriodEnd = "cancel_at_period_end"
        case cancelAt = "cancel_at"
        case canceledAt = "canceled_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.customerID = try container.objectID(.customer)
        self.status = try container.decode(String.self, forKey: .status)
        self.cancelAtPeriodEnd = try container.decodeIfPresent(Bool.self, forKey: .cancelAtPeriodEnd) ?? false
        self.cancelAt = try container.decodeIfPresent(Int.self, forKey: .cancelAt)
        self.canceledAt = try container.decodeIfPresent(Int.self, forKey: .canceledAt)
        self.created = try container.decodeIfPresent(Int.self, forKey: .created)
        self.items = try container.decodeIfPresent(StripeList<Item>.self, forKey: .items)?.data ?? []
        self.metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        self.legacyPeriodStart = try container.decodeIfPresent(Int.self, forKey: .legacyPeriodStart)
        self.legacyPeriodEnd = try container.decodeIfPresent(Int.self, forKey: .legacyPeriodEnd)
    }
}
