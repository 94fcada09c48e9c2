/// Fills in `default` values; see `JSONSchema.applyingDefaults(to:schema:)`.
enum DefaultsApplier {
    /// `filled` is set when a default went in anywhere, so a caller can tell without comparing the two values.
    static func apply(to instance: JSONValue, schema: JSONValue, depth: Int, filled: inout Bool) -> JSONValue {
        guard depth <= JSONSchema.maxDepth, let members = schema.objectValue else { return instance }
        var result = instance
        if case .object(var object) = result, let properties = members["properties"]?.objectValue {
            for (name, propertySchema) in properties {
                if object[name] == nil, let fallback = propertySchema["default"] {
                    object[name] = fallback
                    filled = true
                }
                if let value = object[name] {
                    object[name] = apply(to: value, schema: propertySchema, depth: depth + 1, filled: &filled)
                }
            }
            result = .object(object)
        }
        if case .array(let items) = result, let itemSchema = members["items"], itemSchema.objectValue != nil {
            result = .array(items.map { apply(to: $0, schema: itemSchema, depth: depth + 1, filled: &filled) })
        }
        for branch in members["allOf"]?.arrayValue ?? [] {
            result = apply(to: result, schema: branch, depth: depth + 1, filled: &filled)
        }
        return result
    }
}
