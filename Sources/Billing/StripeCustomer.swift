/// The fields of a Stripe Customer the app keeps.
public struct StripeCustomer: Decodable, Equatable, Sendable {
    public var id: String
    public var email: String?
    public var name: String?
    public var metadata: [String: String]

    public init(id: String, email: String? = nil, name: String? = nil, metadata: [String: String] = [:]) {
        self.id = id
        self.email = email
        self.name = name
        self.metadata = metadata
    }

    private enum CodingKeys: String, CodingKey { case id, email, name, metadata }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.email = try container.decodeIfPresent(String.self, forKey: .email)
        self.name = try container.decodeIfPresent(String.self, forKey: .name)
        self.metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
    }
}
