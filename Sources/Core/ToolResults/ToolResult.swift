/// Turns what a tool returned into an MCP `CallToolResult`, or into the message of a
/// tool error when the value breaks the tool's promises.
public enum ToolResult {
    /// How the negotiated protocol revision carries `structuredContent`: 2025 revisions
    /// define it as an object, 2026-07-28 as any JSON value.
    public enum StructuredContent: Sendable {
        case objectsOnly
        case anyValue
    }

    /// - Parameters:
    ///   - value: the return value (`null` for `undefined`), or the items when `isContent`.
    ///   - isContent: the tool returned `ctx.content.*` items (alone or in a mixed array).
    public static func success(
        _ value: JSONValue, isContent: Bool, outputSchema: JSONValue?, structured: StructuredContent
    ) -> Result<JSONValue, ToolResultError> {
        if isContent {
            if outputSchema != nil {
                return .failure(ToolResultError("The tool declares an outputSchema, so it must return a value matching it, not ctx.content items"))
            }
            switch ToolContent.items(value.arrayValue ?? [value]) {
            case .success(let items): return .success(["content": .array(items), "isError": false])
            case .failure(let problem): return .failure(ToolResultError("Invalid content item \(problem.path): \(problem.message)"))
            }
        }
        if let outputSchema {
            let problems = JSONSchema.validate(value, against: outputSchema)
            if !problems.isEmpty {
                let listed = problems.prefix(5).map { $0.path.isEmpty ? $0.message : "at \($0.path): \($0.message)" }
                return .failure(ToolResultError("The result does not match the tool's outputSchema: " + listed.joined(separator: "; ")))
            }
        }
        let text: String
        if case .string(let string) = value { text = string } else { text = value.compactText }
        var result: [String: JSONValue] = ["content": [["type": "text", "text": .string(text)]], "isError": false]
        switch (structured, value) {
        case (_, .object), (.anyValue, .bool), (.anyValue, .number), (.anyValue, .string), (.anyValue, .array):
            result["structuredContent"] = value
        default:
            break
        }
        return .success(.object(result))
    }

    public static func error(_ message: String) -> JSONValue {
        ["content": [["type": "text", "text": .string(message)]], "isError": true]
    }
}

public struct ToolResultError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
