/// The JSON Schema subset that tool input schemas may use (documented on the
/// "Authoring tools" page). The same rules check a schema when a spec is validated and
/// check the arguments of every call before tool code runs.
///
/// The subset follows draft 2020-12 for the keywords it has. Differences on purpose:
/// unknown keywords are errors rather than ignored (a misspelt `maxLenght` would
/// otherwise silently allow anything), `format` is asserted rather than advisory, and
/// `pattern` uses JavaScript semantics (`$` is the end of the string; `\d` and `\w`
/// are ASCII), because MCP clients check arguments with JavaScript regular expressions.
public enum JSONSchema {
    /// Every keyword a schema may contain, sorted.
    ///
    /// - Assertions: `type` (one name or a list; `integer` means a whole number),
    ///   `enum`, `const`, `properties`, `required`, `additionalProperties` (boolean or
    ///   schema), `items` (one schema), `minItems`, `maxItems`, `uniqueItems`,
    ///   `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numbers),
    ///   `minLength`, `maxLength` (in Unicode code points), `pattern`, `format`
    ///   (`date`, `date-time`, `email`, `uri`), `allOf`, `anyOf`, `oneOf`.
    /// - `default` must itself match the schema; `applyingDefaults` fills it in.
    /// - Annotations, accepted and ignored: `description`, `title`, `examples`,
    ///   `$comment`, `deprecated`, `readOnly`, `writeOnly`; `$schema` only as 2020-12 (`dialects`).
    public static let supportedKeywords: [String] = [
        "$comment", "$schema", "additionalProperties", "allOf", "anyOf", "const", "default",
        "deprecated", "description", "enum", "examples", "exclusiveMaximum", "exclusiveMinimum",
        "format", "items", "maxItems", "maxLength", "maximum", "minItems", "minLength", "minimum",
        "oneOf", "pattern", "properties", "readOnly", "required", "title", "type", "uniqueItems",
        "writeOnly",
    ]

    /// The `$schema` values a schema may declare: draft 2020-12, with or without the empty fragment.
    public static let dialects = ["https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#"]

    /// The values `type` accepts.
    public static let typeNames: [String] = ["array", "boolean", "integer", "null", "number", "object", "string"]

    /// The values `format` accepts.
    public static let formats: [String] = JSONSchemaFormat.allCases.map(\.rawValue)

    /// Schemas may nest this deep and values are checked this deep: far more than any
    /// tool needs, little enough that a hostile document cannot exhaust the stack.
    public static let maxDepth = 32

    /// Checking stops after this many problems; nobody reads the 51st.
    public static let maxProblems = 50

    /// Problems with the schema itself: keyword values of the wrong type, keywords outside
    /// the subset, invalid or non-portable regular expressions, `required` naming a
    /// property twice or one that is not in `properties`, bounds that exclude every value,
    /// keywords that cannot apply to the declared type, and `default`, `enum` or `const`
    /// values that do not match their own schema. Paths extend `path`, as in
    /// `tools[0].inputSchema.properties.city.type`.
    public static func problems(inSchema schema: JSONValue, at path: String) -> [SpecProblem] {
        problems(inSchema: schema, at: path, patterns: PatternCache())
    }

    /// The same, matching patterns within `patterns`' time: a spec's schemas share one budget, so fifty tools of
    /// slow patterns cost one run's time, not fifty.
    static func problems(inSchema schema: JSONValue, at path: String, patterns: PatternCache) -> [SpecProblem] {
        var checker = SchemaChecker(patterns: patterns)
        checker.check(schema, at: path, depth: 0)
        return checker.problems.items
    }

    /// Validates a value, such as the arguments of a tool call, against a schema. Paths are
    /// relative to the value: `city`, `items[2].name`, or `""` for the value itself.
    /// Keywords with malformed values are skipped; `problems(inSchema:at:)` reports them.
    public static func validate(_ instance: JSONValue, against schema: JSONValue) -> [SpecProblem] {
        var validator = InstanceValidator(patterns: PatternCache())
        validator.validate(instance, against: schema, at: "", depth: 0)
        return validator.problems.items
    }

    /// Fills in `default` values for properties that are missing, in the object itself and
    /// in nested objects (also inside arrays and `allOf`). A property present as `null`
    /// keeps its `null`. Validate after applying defaults.
    public static func applyingDefaults(to instance: JSONValue, schema: JSONValue) -> JSONValue {
        fillingDefaults(in: instance, schema: schema).value
    }

    /// The same, and whether any default went in (nothing to check again when none did).
    public static func fillingDefaults(in instance: JSONValue, schema: JSONValue) -> (value: JSONValue, filled: Bool) {
        var filled = false
        let value = DefaultsApplier.apply(to: instance, schema: schema, depth: 0, filled: &filled)
        return (value, filled)
    }
}
