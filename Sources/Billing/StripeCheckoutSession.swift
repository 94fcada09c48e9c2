/// The fields of a Checkout Session the app uses: `client_secret` for `embedded_page`, `url` for `hosted_page`;
/// webhooks carry the rest.
public struct StripeCheckoutSession: Decodable, Equatable, Sendable {
    public var id: String
    public var mode: String?
    public var uiMode: String?
    /// `open`, `complete` or `expired`.
    public var status: String?
    /// `paid`, `unpaid` (SEPA debit until it clears) or `no_payment_required`.
    public var paymentStatus: String?
    public var clientSecret: String?
    public var url: String?
    public var customerID: String?
    public var subscriptionID: String?
    /// The workspace the session was opened for.
    public var clientReferenceID: String?
    public var metadata: [String: String]

    private enum CodingKeys: String, CodingKey {
        case id, mode, status, url, customer, subscription, metadata
        case uiMode = "ui_mode"
        case paymentStatus = "payment_status"
        case clientSecret = "client_secret"
        case clientReferenceID = "client_reference_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.mode = try container.decodeIfPresent(String.self, forKey: .mode)
        self.uiMode = try container.decodeIfPresent(String.self, forKey: .uiMode)
        self.status = try container.decodeIfPresent(String.self, forKey: .status)
        self.paymentStatus = try container.decodeIfPresent(String.self, forKey: .paymentStatus)
        self.clientSecret = try container.decodeIfPresent(String.self, forKey: .clientSecret)
        self.url = try container.decodeIfPresent(String.self, forKey: .url)
        self.customerID = try container.objectID(.customer)
        self.subscriptionID = try container.objectID(.subscription)
        self.clientReferenceID = try container.decodeIfPresent(String.self, forKey: .clientReferenceID)
        self.metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
    }
}

/// A Billing Portal session: where to send the customer.
public struct StripePortalSession: Decodable, Equatable, Sendable {
    public var id: String
    public var url: String
}
