import Core

/// Small builders for recipe input schemas, using only the keywords the validator accepts.
/// They keep the recipes readable and spare the type checker deep JSON literals.
enum InputSchema {
    /// A closed object: arguments that are not listed are refused.
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var members: [String: JSONValue] = [
            "type": "object",
            "properties": .object(properties),
            "additionalProperties": false,
        ]
        if !required.isEmpty {
            members["required"] = .array(required.map { .string($0) })
        }
        return .object(members)
    }

    static func string(
        _ description: String,
        minLength: Int? = nil,
        maxLength: Int? = nil,
        pattern: String? = nil,
        format: String? = nil,
        choices: [String]? = nil,
        default defaultValue: String? = nil
    ) -> JSONValue {
        var members: [String: JSONValue] = ["type": "string", "description": .string(description)]
        if let minLength { members["minLength"] = .number(Double(minLength)) }
        if let maxLength { members["maxLength"] = .number(Double(maxLength)) }
        if let pattern { members["pattern"] = .string(pattern) }
        if let format { members["format"] = .string(format) }
        if let choices { members["enum"] = .array(choices.map { .string($0) }) }
        if let defaultValue { members["default"] = .string(defaultValue) }
        return .object(members)
    }

    static func integer(_ description: String, minimum: Int? = nil, maximum: Int? = nil, default defaultValue: Int? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["type": "integer", "description": .string(description)]
        if let minimum { members["minimum"] = .number(Double(minimum)) }
        if let maximum { members["maximum"] = .number(Double(maximum)) }
        if let defaultValue { members["default"] = .number(Double(defaultValue)) }
        return .object(members)
    }

    static func number(_ description: String, minimum: Double? = nil, maximum: Double? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["type": "number", "description": .string(description)]
        if let minimum { members["minimum"] = .number(minimum) }
        if let maximum { members["maximum"] = .number(maximum) }
        return .object(members)
    }

    static func boolean(_ description: String, default defaultValue: Bool? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["type": "boolean", "description": .string(description)]
        if let defaultValue { members["default"] = .bool(defaultValue) }
        return .object(members)
    }

    static func array(_ description: String, items: JSONValue) -> JSONValue {
        ["type": "array", "description": .string(description), "items": items]
    }
}
