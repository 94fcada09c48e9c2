import Core
import Foundation

/// The playground's form for one tool, generated from its inputSchema: a field
/// per property (text, number, checkbox, select for enums, date for dates, JSON
/// for anything nested), and the arguments read back from the posted fields.
enum PlaygroundForm {
    struct Field: Encodable, Sendable {
        let name: String
        let inputName: String
        let label: String
        let hint: String
        let kind: String
        let inputType: String
        let options: [Option]
        let isRequired: Bool
        let value: String
        let isChecked: Bool
    }

    struct Option: Encodable, Sendable {
        let value: String
        let isSelected: Bool
    }

    static func fields(for schema: JSONValue, values: [String: String] = [:]) -> [Field] {
        let properties = schema["properties"]?.objectValue ?? [:]
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        return properties.keys.sorted { (required.contains($0) ? 0 : 1, $0) < (required.contains($1) ? 0 : 1, $1) }.map { name in
            let property = properties[name] ?? [:]
            let type = property["type"]?.stringValue ?? "string"
            let posted = values["arg_" + name]
            let fallback = property["default"].map { $0.stringValue ?? SpecJSON.compact($0) } ?? ""
            let value = posted ?? fallback
            var kind = "text", inputType = "text"
            var options: [Option] = []
            if let choices = property["enum"]?.arrayValue?.compactMap({ $0.stringValue ?? SpecJSON.compact($0) }) {
                kind = "select"
                options = choices.map { Option(value: $0, isSelected: $0 == value) }
            } else if type == "boolean" {
                kind = "checkbox"
            } else if type == "number" || type == "integer" {
                inputType = "number"
            } else if type == "object" || type == "array" {
                kind = "json"
            } else if property["format"]?.stringValue == "date" {
                inputType = "date"
            }
            return Field(name: name, inputName: "arg_" + name, label: name, hint: property["description"]?.stringValue ?? type,
                         kind: kind, inputType: inputType, options: options, isRequired: required.contains(name),
                         value: kind == "checkbox" ? "" : value,
                         isChecked: kind == "checkbox" && (posted == "on" || (posted == nil && property["default"] == .bool(true))))
        }
    }

    /// Arguments from posted fields: empty fields are left out (so defaults apply),
    /// numbers and JSON are parsed; a value that does not parse is passed as text
    /// for the schema check to explain.
    static func arguments(for schema: JSONValue, fields posted: [String: String]) -> JSONValue {
        var arguments: [String: JSONValue] = [:]
        for field in fields(for: schema, values: posted) {
            let raw = posted[field.inputName] ?? ""
            switch field.kind {
            case "checkbox":
                arguments[field.name] = .bool(raw == "on")
            case "json":
                guard !raw.isEmpty else { continue }
                arguments[field.name] = (try? JSONDecoder().decode(JSONValue.self, from: Data(raw.utf8))) ?? .string(raw)
            default:
                guard !raw.isEmpty else { continue }
                if field.inputType == "number", let number = Double(raw) {
                    arguments[field.name] = .number(number)
                } else if field.kind == "select", let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(raw.utf8)), parsed.stringValue == nil {
                    arguments[field.name] = parsed
                } else {
                    arguments[field.name] = .string(raw)
                }
            }
        }
        return .object(arguments)
    }
}
