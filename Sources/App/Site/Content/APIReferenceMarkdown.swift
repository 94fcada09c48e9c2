import Core
import Markdown

/// The operations and schemas of the API document as Markdown, appended to the docs page whose
/// front matter says `type: openapi`. Written at load time, so the page, its table of contents
/// and the search index all come from the document and cannot drift from it.
enum APIReferenceMarkdown {
    static let kind = "openapi"

    static func render(_ document: APIDocument) -> String {
        var lines = ["## Operation reference", "",
                     "Generated from [the OpenAPI document](\(SiteRoute.openAPI.path)), which the tests hold to the routes the app serves.", ""]
        var currentTag: String?
        for operation in document.operations {
            if operation.tag != currentTag {
                currentTag = operation.tag
                lines += ["### \(operation.tag)", ""]
            }
            lines += section(operation)
        }
        lines += ["## Schemas", ""]
        for (name, schema) in document.schemas {
            lines += schemaSection(name, schema)
        }
        return lines.joined(separator: "\n")
    }

    private static func section(_ operation: APIDocument.Operation) -> [String] {
        var lines = ["#### \(operation.method) \(operation.path)", "", operation.summary + ".", ""]
        if let description = operation.description { lines += [description, ""] }
        lines.append("- **Auth:** " + auth(operation.security))
        for parameter in operation.parameters { lines.append("- **Parameter:** " + parameter) }
        if let body = operation.requestBody {
            lines.append("- **Body** (`\(body.contentType)`): " + describe(body.schema))
        }
        lines += ["", "| Status | Answer | Error codes |", "| --- | --- | --- |"]
        for response in operation.responses {
            let answer = [response.description, response.schema.map { "`\($0)`" }].compactMap { $0 }.joined(separator: " ")
            lines.append("| \(response.status) | \(cell(answer)) | \(response.codes.map { "`\($0)`" }.joined(separator: ", ")) |")
        }
        return lines + [""]
    }

    private static func auth(_ schemes: [String]) -> String {
        if schemes.isEmpty { return "none" }
        let names = ["bearerToken": "API token with the `api` scope", "sessionCookie": "session cookie",
                     "csrfHeader": "`X-CSRF-Token` on changes"]
        return schemes.map { names[$0] ?? $0 }.joined(separator: "; ")
    }

    /// A body: its schema's name, or the fields of an inline object.
    private static func describe(_ schema: JSONValue) -> String {
        let name = APIDocument.schemaName(schema)
        if schema["$ref"] != nil { return "[`\(name)`](#\(anchor(name)))" }
        guard let properties = schema["properties"]?.objectValue else { return name }
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        return properties.keys.sorted().map { key in
            "`\(key)` \(APIDocument.schemaName(properties[key]))" + (required.contains(key) ? " (required)" : "")
        }.joined(separator: ", ")
    }

    private static func schemaSection(_ name: String, _ schema: JSONValue) -> [String] {
        var lines = ["### Schema \(name)", ""]
        guard let properties = schema["properties"]?.objectValue else {
            return lines + ["One of: " + APIDocument.schemaName(schema) + ".", ""]
        }
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        lines += ["| Field | Type | Required | Notes |", "| --- | --- | --- | --- |"]
        for key in properties.keys.sorted() {
            let property = properties[key]
            lines.append("| `\(key)` | \(cell(APIDocument.schemaName(property))) | \(required.contains(key) ? "yes" : "no") | \(cell(property?["description"]?.stringValue ?? "")) |")
        }
        return lines + [""]
    }

    /// The heading id the Markdown renderer gives `### Schema name`.
    private static func anchor(_ name: String) -> String { Slug.make("Schema " + name) }

    private static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
