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
    /// A human-readable name for clients' menus; `name` stays the identifier models call.
    public var title: String?
    public var description: String
    /// A JSON Schema object for the tool's arguments (see `JSONSchema`).
    public var inputSchema: JSONValue
    /// A JSON Schema object every successful result must match; published in `tools/list`.
    public var outputSchema: JSONValue?
    public var annotations: ToolAnnotations?
    public var icons: [ToolIcon]?
    /// The body of an async JavaScript function called as `(args, ctx)`.
    public var implementation: String

    public init(
        name: String, title: String? = nil, description: String, inputSchema: JSONValue, outputSchema: JSONValue? = nil,
        annotations: ToolAnnotations? = nil, icons: [ToolIcon]? = nil, implementation: String
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        self.icons = icons
        self.implementation = implementation
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        title = try container.decodeIfPresent(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        inputSchema = try container.decodeIfPresent(JSONValue.self, forKey: .inputSchema) ?? .null
        // `null` is kept (not read as absent) so the validator can say it is not a schema.
        outputSchema = container.contains(.outputSchema) ? try container.decode(JSONValue.self, forKey: .outputSchema) : Optional<JSONValue>.none
        annotations = try container.decodeIfPresent(ToolAnnotations.self, forKey: .annotations)
        icons = try container.decodeIfPresent([ToolIcon].self, forKey: .icons)
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
