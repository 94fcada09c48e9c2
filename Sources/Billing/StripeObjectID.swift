/// A reference Stripe sends either as an id (`"cus_123"`) or, when expanded, as the object itself (`{"id": …}`).
struct StripeObjectID: Decodable, Sendable {
    let id: String

    init(from decoder: any Decoder) throws {
        if let id = try? decoder.singleValueContainer().decode(String.self) {
            self.id = id
        } else {
            self.id = try decoder.container(keyedBy: Key.self).decode(String.self, forKey: .id)
        }
    }

    private enum Key: String, CodingKey { case id }
}

extension KeyedDecodingContainer {
    /// The id at `key`, whether Stripe sent an id, an expanded object or null.
    func objectID(_ key: Key) throws -> String? {
        try decodeIfPresent(StripeObjectID.self, forKey: key)?.id
    }
}

/// Stripe's list envelope, `{"object": "list", "data": […], "has_more": …}`.
struct StripeList<Element: Decodable & Sendable>: Decodable, Sendable {
    let data: [Element]
    let hasMore: Bool

    private enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.data = try container.decodeIfPresent([Element].self, forKey: .data) ?? []
        self.hasMore = try container.decodeIfPresent(Bool.self, forKey: .hasMore) ?? false
    }
}
