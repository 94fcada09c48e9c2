/// The MCP tool annotations a spec may set. They are hints for clients (which may ask
/// before a destructive call, or retry an idempotent one), never enforced by the host.
public struct ToolAnnotations: Codable, Sendable, Hashable {
    public var readOnlyHint: Bool?
    public var destructiveHint: Bool?
    public var idempotentHint: Bool?
    /// Unset means "derived": a tool of a server with allowed domains reaches the open world.
    public var openWorldHint: Bool?

    public init(readOnlyHint: Bool? = nil, destructiveHint: Bool? = nil, idempotentHint: Bool? = nil, openWorldHint: Bool? = nil) {
        self.readOnlyHint = readOnlyHint
        self.destructiveHint = destructiveHint
        self.idempotentHint = idempotentHint
        self.openWorldHint = openWorldHint
    }

    public var isEmpty: Bool { self == ToolAnnotations() }

    /// The hints as `tools/list` publishes them: `openWorldHint` filled in from the
    /// server's allowed domains when the spec leaves it unset.
    public func published(allowedDomains: [String]) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["openWorldHint": .bool(openWorldHint ?? !allowedDomains.isEmpty)]
        if let readOnlyHint { fields["readOnlyHint"] = .bool(readOnlyHint) }
        if let destructiveHint { fields["destructiveHint"] = .bool(destructiveHint) }
        if let idempotentHint { fields["idempotentHint"] = .bool(idempotentHint) }
        return fields
    }
}
