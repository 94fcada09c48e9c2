/// Fills in `default` values; see `JSONSchema.applyingDefaults(to:schema:)`.
enum DefaultsApplier {
    static func apply(to instance: JSONValue, schema: JSONValue, depth: Int) -> JSONValue {
        guard depth <= JSONSchema.maxDepth, let members = schema.objectValue else { return instance }
        var result = instance
        if case .object(var object) = result, let properties = members["properties"]?.objectValue {
            for (name, propertySchema) in properties {
                if object[name] == nil, let fallback = propertySchema["default"] {
                    object[name] = fallback
                }
                if let value = object[name] {
                    object[name] = apply(to: value, schema: propertySchema, depth: depth + 1)
                }
            }
            result = .object(object)
        }
        if case .array(let items) = result, let itemSchema = members["items"], itemSchema.objectValue != nil {
            result = .array(items.map { apply(to: $0, schema: itemSchema, depth: depth + 1) })
        }
        for branch in members["allOf"]?.arrayValue ?? [] {
            result = apply(to: result, schema: branch, depth: depth + 1)
        }
        return result
    }
}
