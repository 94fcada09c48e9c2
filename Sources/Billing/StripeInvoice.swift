/// The fields of an Invoice the app shows or acts on. Since the 2025 API versions an invoice names its
/// subscription under `parent.subscription_details.subscription`; older versions, which a webhook endpoint may still
/// send, name it at the top level, read as a fallback.
public struct StripeInvoice: Decodable, Equatable, Sendable {
    public var id: String
    public var number: String?
    /// `draft`, `open`, `paid`, `uncollectible` or `void`.
    public var status: String?
    /// In the currency's smallest unit (cents).
    public var total: Int?
    public var amountDue: Int?
    public var currency: String?
    public var created: Int?
    public var invoicePDF: String?
    public var hostedInvoiceURL: String?
    public var customerID: String?
    public var subscriptionID: String?
    /// `subscription_create`, `subscription_cycle`, `subscription_update`, `manual`, …
    public var billingReason: String?
    /// How many payment attempts were made; `invoice.payment_failed` says which one failed.
    public var attemptCount: Int?
    public var lines: [Line]

    public struct Line: Decodable, Equatable, Sendable {
        public var description: String?
        public var amount: Int
        public var periodStart: Int?
        public var periodEnd: Int?
        /// Whether the line is a proration (`parent.subscription_item_details.proration`).
        public var proration: Bool

        private enum CodingKeys: String, CodingKey { case description, amount, period, parent }
        private struct Period: Decodable { var start: Int?, end: Int? }
        private struct Parent: Decodable {
            var subscriptionItemDetails: Details?
            struct Details: Decodable { var proration: Bool? }
            enum CodingKeys: String, CodingKey { case subscriptionItemDetails = "subscription_item_details" }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.description = try container.decodeIfPresent(String.self, forKey: .description)
            self.amount = try container.decodeIfPresent(Int.self, forKey: .amount) ?? 0
            let period = try container.decodeIfPresent(Period.self, forKey: .period)
            self.periodStart = period?.start
            self.periodEnd = period?.end
            let parent = try container.decodeIfPresent(Parent.self, forKey: .parent)
            self.proration = parent?.subscriptionItemDetails?.proration ?? false
        }
    }

    private enum CodingKeys: String, CodingKey {
        case id, number, status, total, currency, created, customer, parent, lines, subscription
        case amountDue = "amount_due"
        case invoicePDF = "invoice_pdf"
        case hostedInvoiceURL = "hosted_invoice_url"
        case billingReason = "billing_reason"
        case attemptCount = "attempt_count"
    }

    private struct Parent: Decodable {
        var subscriptionDetails: SubscriptionDetails?
        struct SubscriptionDetails: Decodable {
            var subscription: StripeObjectID?
        }
        enum CodingKeys: String, CodingKey { case subscriptionDetails = "subscription_details" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // A preview invoice has no id.
        self.id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        self.number = try container.decodeIfPresent(String.self, forKey: .number)
        self.status = try container.decodeIfPresent(String.self, forKey: .status)
        self.total = try container.decodeIfPresent(Int.self, forKey: .total)
        self.amountDue = try container.decodeIfPresent(Int.self, forKey: .amountDue)
        self.currency = try container.decodeIfPresent(String.self, forKey: .currency)
        self.created = try container.decodeIfPresent(Int.self, forKey: .created)
        self.invoicePDF = try container.decodeIfPresent(String.self, forKey: .invoicePDF)
        self.hostedInvoiceURL = try container.decodeIfPresent(String.self, forKey: .hostedInvoiceURL)
        self.customerID = try container.objectID(.customer)
        let parent = try container.decodeIfPresent(Parent.self, forKey: .parent)
        // Versions before 2025-03-31 name the subscription on the invoice itself, and a webhook endpoint may
        // still send those (its events use its own API version).
        self.subscriptionID = try parent?.subscriptionDetails?.subscription?.id ?? container.objectID(.subscription)
        self.billingReason = try container.decodeIfPresent(String.self, forKey: .billingReason)
        self.attemptCount = try container.decodeIfPresent(Int.self, forKey: .attemptCount)
        self.lines = try container.decodeIfPresent(StripeList<Line>.self, forKey: .lines)?.data ?? []
    }
}

/// What a plan change will cost now: the preview invoice's amount due and its lines.
public struct StripeInvoicePreview: Equatable, Sendable {
    public var amountDue: Int
    public var total: Int
    public var currency: String
    public var lines: [StripeInvoice.Line]

    /// The prorated amount alone (credit for unused time plus the new plan's remaining time).
    public var prorationAmount: Int { lines.filter(\.proration).reduce(0) { $0 + $1.amount } }
}
