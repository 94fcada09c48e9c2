/// An icon a client may show next to a tool (MCP `Icon`): an https URL or a `data:` URI,
/// its media type, the sizes it suits (`48x48`, `any`) and the theme it is drawn for.
public struct ToolIcon: Codable, Sendable, Hashable {
    public var src: String
    public var mimeType: String?
    public var sizes: [String]?
    public var theme: String?

    public init(src: String, mimeType: String? = nil, sizes: [String]? = nil, theme: String? = nil) {
        self.src = src
        self.mimeType = mimeType
        self.sizes = sizes
        self.theme = theme
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = ["src": .string(src)]
        if let mimeType { fields["mimeType"] = .string(mimeType) }
        if let sizes { fields["sizes"] = .array(sizes.map { .string($0) }) }
        if let theme { fields["theme"] = .string(theme) }
        return .object(fields)
    }
}
