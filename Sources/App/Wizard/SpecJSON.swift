import Core
import Foundation

/// The one JSON form of a spec the app stores and answers with: sorted keys, so
/// equal specs are equal bytes.
enum SpecJSON {
    static func encode(_ spec: ServerSpec) -> String {
        compact(spec)
    }

    /// Configured once and never changed afterwards, so concurrent `encode` calls are
    /// safe; tool calls encode on every request and should not build an encoder each time.
    private static let compactEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Compact JSON with sorted keys. Values of plain strings, numbers, arrays and
    /// objects cannot fail to encode; `null` stands in if one ever did.
    static func compact(_ value: some Encodable) -> String {
        (try? compactEncoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// JSON values (tool arguments, results, MCP messages) take the direct writer: the same
    /// compact, key-sorted form, without the generic encoder's cost on every tool call.
    static func compact(_ value: JSONValue) -> String {
        value.compactText
    }

    static func decode(_ text: String) throws -> ServerSpec {
        try JSONDecoder().decode(ServerSpec.self, from: Data(text.utf8))
    }

    /// Why `text` is not a spec, for a person editing it: where the JSON breaks, or which field
    /// is missing or of the wrong kind.
    static func problem(decoding text: String, _ error: any Error) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return "The spec is not valid JSON" + (detail.map { ": \($0)" } ?? ".")
        }
        guard let decoding = error as? DecodingError else { return "The spec could not be read." }
        let field = BodyDecodingError.path
        switch decoding {
        case .keyNotFound(let key, let context): return "\(field(context.codingPath + [key])): is required."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(field(context.codingPath).isEmpty ? "The spec" : field(context.codingPath)): has the wrong kind of value."
        case .dataCorrupted(let context):
            return "\(field(context.codingPath).isEmpty ? "The spec" : field(context.codingPath)): has a value it cannot take."
        @unknown default: return "The spec could not be read."
        }
    }

    static func pretty(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }
}
