import Core

/// `tools/list` for a spec: every tool, in name order so the answer never changes
/// between calls.
struct MCPToolList: Sendable {
    struct Tool: Sendable {
        let name: String
        let description: String
        let inputSchema: JSONValue
    }

    let tools: [Tool]

    init(spec: ServerSpec) {
        tools = spec.tools.sorted { $0.name < $1.name }.map {
            Tool(name: $0.name, description: $0.description, inputSchema: $0.inputSchema)
        }
    }

    var json: JSONValue {
        .object(["tools": .array(tools.map {
            .object(["name": .string($0.name), "description": .string($0.description), "inputSchema": $0.inputSchema])
        })])
    }
}
