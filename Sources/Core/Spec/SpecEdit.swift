/// What a person may change in a drafted spec before building. Tools are merged
/// by position: names, descriptions and schemas come from the edit, the
/// implementations stay the drafted ones (people review code, they do not write
/// it in the wizard; a changed behaviour goes through "Iterate"). A tool's title and
/// annotations change only when the edit carries them; an empty title removes it.
public struct SpecEdit: Codable, Sendable, Hashable {
    public struct ToolEdit: Codable, Sendable, Hashable {
        public var name: String
        public var description: String
        public var inputSchema: JSONValue
        public var title: String?
        public var annotations: ToolAnnotations?

        public init(name: String, description: String, inputSchema: JSONValue, title: String? = nil, annotations: ToolAnnotations? = nil) {
            self.name = name
            self.description = description
            self.inputSchema = inputSchema
            self.title = title
            self.annotations = annotations
        }
    }

    public var name: String?
    public var slug: String?
    public var description: String?
    /// Must list exactly as many tools as the draft has, in the same order.
    public var tools: [ToolEdit]?
    public var requiredSecrets: [RequiredSecret]?
    public var allowedDomains: [String]?

    public init(
        name: String? = nil,
        slug: String? = nil,
        description: String? = nil,
        tools: [ToolEdit]? = nil,
        requiredSecrets: [RequiredSecret]? = nil,
        allowedDomains: [String]? = nil
    ) {
        self.name = name
        self.slug = slug
        self.description = description
        self.tools = tools
        self.requiredSecrets = requiredSecrets
        self.allowedDomains = allowedDomains
    }
}

public enum SpecEditError: Error, Sendable, Hashable, CustomStringConvertible {
    case toolCountMismatch(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .toolCountMismatch(let expected, let got):
            "The edit lists \(got) tool\(got == 1 ? "" : "s") but the draft has \(expected); tools are matched by position, so add or remove tools with Iterate instead."
        }
    }
}

extension ServerSpec {
    /// The spec with `edit` merged in. Validation is the caller's next step.
    public func applying(_ edit: SpecEdit) throws(SpecEditError) -> ServerSpec {
        var merged = self
        if let name = edit.name { merged.name = name }
        if let slug = edit.slug { merged.slug = slug }
        if let description = edit.description { merged.description = description }
        if let tools = edit.tools {
            guard tools.count == self.tools.count else {
                throw .toolCountMismatch(expected: self.tools.count, got: tools.count)
            }
            for (index, toolEdit) in tools.enumerated() {
                merged.tools[index].name = toolEdit.name
                merged.tools[index].description = toolEdit.description
                merged.tools[index].inputSchema = toolEdit.inputSchema
                if let title = toolEdit.title {
                    merged.tools[index].title = title.allSatisfy(\.isWhitespace) ? nil : title
                }
                if let annotations = toolEdit.annotations {
                    merged.tools[index].annotations = annotations.isEmpty ? nil : annotations
                }
            }
        }
        if let secrets = edit.requiredSecrets { merged.requiredSecrets = secrets }
        if let domains = edit.allowedDomains { merged.allowedDomains = domains }
        return merged
    }
}
