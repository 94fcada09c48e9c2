/// The contract shared by drafting, building, the marketplace and import/export.
/// Its JSON form is documented on the "Authoring tools" docs page; field names
/// here are that JSON form.
public struct ServerSpec: Codable, Sendable, Hashable {
    public var name: String
    public var slug: String
    public var description: String
    public var tools: [ToolSpec]
    public var requiredSecrets: [RequiredSecret]
    public var allowedDomains: [String]

    public init(
        name: String,
        slug: String,
        description: String,
        tools: [ToolSpec],
        requiredSecrets: [RequiredSecret] = [],
        allowedDomains: [String] = []
    ) {
        self.name = name
        self.slug = slug
        self.description = description
        self.tools = tools
        self.requiredSecrets = requiredSecrets
        self.allowedDomains = allowedDomains
    }

    // Drafts from models often leave out empty lists; absence means "none", and the
    // validator (not the decoder) explains anything actually wrong.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        slug = try container.decodeIfPresent(String.self, forKey: .slug) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        tools = try container.decodeIfPresent([ToolSpec].self, forKey: .tools) ?? []
        requiredSecrets = try container.decodeIfPresent([RequiredSecret].self, forKey: .requiredSecrets) ?? []
        allowedDomains = try container.decodeIfPresent([String].self, forKey: .allowedDomains) ?? []
    }
}

public struct ToolSpec: Codable, Sendable, Hashable {
    public var name: String
    public var description: String
    /// A JSON Schema object for the tool's arguments (see `JSONSchema`).
    public var inputSchema: JSONValue
    /// The body of an async JavaScript function called as `(args, ctx)`.
    public var implementation: String

    public init(name: String, description: String, inputSchema: JSONValue, implementation: String) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.implementation = implementation
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        inputSchema = try container.decodeIfPresent(JSONValue.self, forKey: .inputSchema) ?? .null
        implementation = try container.decodeIfPresent(String.self, forKey: .implementation) ?? ""
    }
}

public struct RequiredSecret: Codable, Sendable, Hashable {
    public var key: String
    public var description: String
    public var howToGetUrl: String?

    public init(key: String, description: String, howToGetUrl: String? = nil) {
        self.key = key
        self.description = description
        self.howToGetUrl = howToGetUrl
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decodeIfPresent(String.self, forKey: .key) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        howToGetUrl = try container.decodeIfPresent(String.self, forKey: .howToGetUrl)
    }
}
