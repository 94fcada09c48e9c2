import Core
import Foundation

/// The OpenAPI 3.1 document of `/v1` and the OAuth endpoints (`Content/openapi.json`): the one
/// description of the API. `/openapi.json` serves its text as it is, the API reference page
/// lists its operations, and the route-table test holds it to the routes the app registers.
struct APIDocument: Sendable {
    struct Operation: Sendable {
        struct Response: Sendable {
            let status: String
            let description: String
            /// The `error` codes an error answer documents (its `enum`).
            let codes: [String]
            let schema: String?
        }

        let method: String
        let path: String
        let tag: String
        let summary: String
        let description: String?
        /// Names of the security schemes that may authorize it; empty when it needs none.
        let security: [String]
        /// `name (in): description` lines.
        let parameters: [String]
        let requestBody: (contentType: String, schema: JSONValue)?
        let responses: [Response]
    }

    static let fileName = "openapi.json"

    let text: String
    let tags: [String]
    let operations: [Operation]
    let schemas: [(name: String, schema: JSONValue)]

    init(text: String) throws {
        let root = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        guard root["openapi"]?.stringValue?.hasPrefix("3.1") == true, let paths = root["paths"]?.objectValue else {
            throw DocumentError(message: "not an OpenAPI 3.1 document with paths")
        }
        self.text = text
        tags = root["tags"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        var operations: [Operation] = []
        for (path, item) in paths {
            for (method, operation) in item.objectValue ?? [:] {
                operations.append(Self.operation(method: method.uppercased(), path: path, operation))
            }
        }
        let order = Dictionary(tags.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        self.operations = operations.sorted {
            (order[$0.tag] ?? .max, $0.path, $0.method) < (order[$1.tag] ?? .max, $1.path, $1.method)
        }
        schemas = (root["components"]?["schemas"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    struct DocumentError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    private static func operation(method: String, path: String, _ operation: JSONValue) -> Operation {
        let parameters = (operation["parameters"]?.arrayValue ?? []).map { parameter in
            let name = parameter["name"]?.stringValue ?? ""
            let place = parameter["in"]?.stringValue ?? ""
            let required = parameter["required"]?.boolValue == true ? ", required" : ""
            let description = parameter["description"]?.stringValue.map { ": " + $0 } ?? ""
            return "`\(name)` (\(place)\(required))\(description)"
        }
        let body = operation["requestBody"]?["content"]?.objectValue?.first.map { (contentType: $0.key, schema: $0.value["schema"] ?? .null) }
        let responses = (operation["responses"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { status, response in
            let content = response["content"]?.objectValue?.first?.value["schema"]
            let codes = content?["allOf"]?.arrayValue?.compactMap { $0["properties"]?["error"]?["enum"]?.arrayValue }
                .flatMap { $0.compactMap(\.stringValue) } ?? []
            return Operation.Response(status: status, description: response["description"]?.stringValue ?? "", codes: codes,
                                      schema: content.map(schemaName))
        }
        let security = (operation["security"]?.arrayValue ?? []).flatMap { $0.objectValue?.keys.sorted() ?? [] }
        return Operation(
            method: method, path: path, tag: operation["tags"]?.arrayValue?.first?.stringValue ?? "",
            summary: operation["summary"]?.stringValue ?? "", description: operation["description"]?.stringValue,
            security: Array(Set(security)).sorted(), parameters: parameters, requestBody: body, responses: responses
        )
    }

    /// A schema's component name, or its type for inline schemas.
    static func schemaName(_ schema: JSONValue?) -> String {
        guard let schema else { return "any" }
        if let reference = schema["$ref"]?.stringValue { return String(reference.split(separator: "/").last ?? "") }
        if let parts = schema["allOf"]?.arrayValue { return parts.map { schemaName($0) }.filter { $0 != "object" && $0 != "any" }.joined(separator: " & ") }
        if let choices = schema["oneOf"]?.arrayValue ?? schema["anyOf"]?.arrayValue { return choices.map { schemaName($0) }.joined(separator: " or ") }
        if let values = schema["enum"]?.arrayValue { return values.compactMap(\.stringValue).map { "`\($0)`" }.joined(separator: ", ") }
        if let constant = schema["const"]?.stringValue { return "`\(constant)`" }
        switch schema["type"] {
        case .string(let type)?:
            if type == "array" { return "array of " + schemaName(schema["items"]) }
            return schema["format"]?.stringValue.map { "\(type) (\($0))" } ?? type
        case .array(let types)?: return types.compactMap(\.stringValue).joined(separator: " or ")
        default: return "any"
        }
    }
}
