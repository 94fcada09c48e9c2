import Core

/// A tool's four MCP hints as the review form shows them: each a choice of "not set",
/// "yes" or "no", because an unset hint means something (the client's default, or for
/// openWorldHint the value derived from the allowed domains).
struct ReviewHints: Sendable, Equatable {
    /// Form field suffix, label and what "not set" means, in the order shown.
    static let fields: [(key: String, label: String, unset: String)] = [
        ("read_only", "Only reads (changes nothing)", "Not set"),
        ("destructive", "May delete or overwrite data", "Not set"),
        ("idempotent", "Repeating a call has no further effect", "Not set"),
        ("open_world", "Reaches external services", "From the allowed domains"),
    ]

    /// "", "true" or "false" per field key.
    var values: [String: String]

    init(_ annotations: ToolAnnotations?) {
        let flags = [annotations?.readOnlyHint, annotations?.destructiveHint, annotations?.idempotentHint, annotations?.openWorldHint]
        values = Dictionary(uniqueKeysWithValues: zip(Self.fields.map(\.key), flags.map { $0.map(String.init) ?? "" }))
    }

    /// Posted choices; a field the form did not send keeps the draft's value, and anything
    /// but "true" or "false" means not set.
    init(fields: [String: String], prefix: String, draft: ToolAnnotations?) {
        self.init(draft)
        for field in Self.fields {
            guard let posted = fields["\(prefix)\(field.key)"] else { continue }
            values[field.key] = posted == "true" || posted == "false" ? posted : ""
        }
    }

    var annotations: ToolAnnotations {
        func flag(_ key: String) -> Bool? { values[key].flatMap(Bool.init) }
        return ToolAnnotations(readOnlyHint: flag("read_only"), destructiveHint: flag("destructive"),
                               idempotentHint: flag("idempotent"), openWorldHint: flag("open_world"))
    }
}
