import Core
import Foundation

/// Wizard step 2 as the person left it: every field as typed, so a failed build
/// re-renders exactly what they entered, with messages next to the fields.
struct ReviewForm: Sendable {
    struct Tool: Sendable {
        var name: String
        var title: String
        var description: String
        var schemaText: String
        var hints: ReviewHints
        var implementation: String
    }

    struct Secret: Sendable {
        var key: String
        var description: String
        var howToGetUrl: String
        var value: String
    }

    var name: String
    var slug: String
    var description: String
    var domainsText: String
    var tools: [Tool]
    var secrets: [Secret]
    /// Field id ("name", "tool.1.schema", "secret.0", "domains") → message.
    var errors: [String: String] = [:]

    init(spec: ServerSpec) {
        name = spec.name
        slug = spec.slug
        description = spec.description
        domainsText = spec.allowedDomains.joined(separator: "\n")
        tools = spec.tools.map {
            Tool(name: $0.name, title: $0.title ?? "", description: $0.description, schemaText: SpecJSON.pretty($0.inputSchema),
                 hints: ReviewHints($0.annotations), implementation: $0.implementation)
        }
        secrets = spec.requiredSecrets.map { Secret(key: $0.key, description: $0.description, howToGetUrl: $0.howToGetUrl ?? "", value: "") }
    }

    /// Reads the posted fields; tools keep the draft's implementations (never posted). A secret
    /// value left empty keeps the one `carry` sealed into the page last time.
    init(fields: [String: String], draft: ServerSpec, carry: FormSecretCarry) {
        func field(_ key: String) -> String { (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        name = field("name")
        slug = field("slug").lowercased()
        description = field("description")
        domainsText = field("domains")
        tools = draft.tools.indices.map { index in
            // A form that did not send a title (an older page) keeps the drafted one.
            Tool(name: field("tool_\(index)_name"),
                 title: fields["tool_\(index)_title"] == nil ? draft.tools[index].title ?? "" : field("tool_\(index)_title"),
                 description: field("tool_\(index)_description"), schemaText: field("tool_\(index)_schema"),
                 hints: ReviewHints(fields: fields, prefix: "tool_\(index)_hint_", draft: draft.tools[index].annotations),
                 implementation: draft.tools[index].implementation)
        }
        // The count is the client's: clamped both ways, since a negative one would make an invalid range (a trap).
        let rows = min(max(Int(field("secret_count")) ?? 0, 0), 50)
        secrets = (0..<rows).compactMap { index in
            guard fields["secret_\(index)_remove"] == nil else { return nil }
            let secret = Secret(key: field("secret_\(index)_key").uppercased(), description: field("secret_\(index)_description"),
                                howToGetUrl: field("secret_\(index)_url"),
                                value: carry.value(typed: fields["secret_\(index)_value"], sealed: fields["secret_\(index)_sealed"]))
            let isBlank = secret.key.isEmpty && secret.description.isEmpty && secret.howToGetUrl.isEmpty && secret.value.isEmpty
            return isBlank ? nil : secret
        }
    }

    var domains: [String] {
        Self.domains(from: domainsText)
    }

    /// Allowed domains as typed in a textarea: one per line, or separated by commas or spaces.
    static func domains(from text: String) -> [String] {
        text.split(whereSeparator: { $0.isNewline || $0 == "," || $0 == " " }).map { String($0).lowercased() }
    }

    /// Secret values typed into the form, by key.
    var secretValues: [String: String] {
        var values: [String: String] = [:]
        for secret in secrets where !secret.value.isEmpty { values[secret.key] = secret.value }
        return values
    }

    /// The edit this form describes, or nil with `errors` filled when a schema is not JSON.
    mutating func edit() -> SpecEdit? {
        var toolEdits: [SpecEdit.ToolEdit] = []
        for (index, tool) in tools.enumerated() {
            do {
                let schema = try JSONDecoder().decode(JSONValue.self, from: Data(tool.schemaText.utf8))
                toolEdits.append(.init(name: tool.name, description: tool.description, inputSchema: schema,
                                       title: tool.title, annotations: tool.hints.annotations))
            } catch {
                errors["tool.\(index).schema"] = "This is not valid JSON. Check for a missing comma, quote or bracket."
            }
        }
        guard errors.isEmpty else { return nil }
        return SpecEdit(
            name: name, slug: slug, description: description, tools: toolEdits,
            requiredSecrets: secrets.map { RequiredSecret(key: $0.key, description: $0.description, howToGetUrl: $0.howToGetUrl.nilIfEmpty) },
            allowedDomains: domains
        )
    }

    /// Puts each validation problem next to the field it is about: every one, a line each (five bad
    /// domains are five lines), up to `problemsPerField`, then how many more.
    mutating func attach(_ problems: [(path: String, message: String)]) {
        var byField: [String: [String]] = [:]
        var order: [String] = []
        for problem in problems {
            let field = Self.fieldID(for: problem.path)
            guard errors[field] == nil || byField[field] != nil else { continue }
            if byField[field] == nil { order.append(field) }
            if byField[field, default: []].contains(problem.message) == false { byField[field, default: []].append(problem.message) }
        }
        for field in order {
            let messages = byField[field] ?? []
            let shown = messages.prefix(Self.problemsPerField).joined(separator: "\n")
            let hidden = messages.count - min(messages.count, Self.problemsPerField)
            errors[field] = hidden > 0 ? shown + "\n…and \(hidden) more." : shown
        }
    }

    static let problemsPerField = 5

    /// `tools[2].inputSchema.properties.x` → `tool.2.schema`; `requiredSecrets[1].key` → `secret.1`.
    static func fieldID(for path: String) -> String {
        func index(after prefix: String) -> Int? {
            guard path.hasPrefix(prefix), let close = path.firstIndex(of: "]") else { return nil }
            return Int(path[path.index(path.startIndex, offsetBy: prefix.count)..<close])
        }
        if let tool = index(after: "tools[") {
            let rest = path[path.index(after: path.firstIndex(of: "]")!)...]
            for (prefix, field) in [(".name", "name"), (".title", "title"), (".description", "description"), (".inputSchema", "schema"),
                                    (".annotations", "hints"), (".implementation", "implementation")]
            where rest.hasPrefix(prefix) {
                return "tool.\(tool).\(field)"
            }
            return "tool.\(tool).name"
        }
        if let secret = index(after: "requiredSecrets[") { return "secret.\(secret)" }
        if path.hasPrefix("allowedDomains") { return "domains" }
        for field in ["name", "slug", "description"] where path == field { return field }
        return "form"
    }
}
