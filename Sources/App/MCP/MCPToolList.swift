import Core

/// `tools/list` for a spec: every tool, in name order so the answer never changes
/// between calls, with the metadata both protocol eras define.
struct MCPToolList: Sendable {
    struct Tool: Sendable {
        let name: String
        let description: String
        let inputSchema: JSONValue
        let json: JSONValue
    }

    let tools: [Tool]

    init(spec: ServerSpec) {
        tools = spec.tools.sorted { $0.name < $1.name }.map { tool in
            var fields: [String: JSONValue] = [
                "name": .string(tool.name), "description": .string(tool.description), "inputSchema": tool.inputSchema,
            ]
            var annotations = (tool.annotations ?? ToolAnnotations()).published(allowedDomains: spec.allowedDomains)
            if let title = tool.title {
                fields["title"] = .string(title)
                // 2025-03-26 clients know a tool's title only from its annotations.
                annotations["title"] = .string(title)
            }
            fields["annotations"] = .object(annotations)
            if let outputSchema = tool.outputSchema { fields["outputSchema"] = outputSchema }
            if let icons = tool.icons, !icons.isEmpty { fields["icons"] = .array(icons.map(\.json)) }
            return Tool(name: tool.name, description: tool.description, inputSchema: tool.inputSchema, json: .object(fields))
        }
    }

    var json: JSONValue {
        .object(["tools": .array(tools.map(\.json))])
    }
}
