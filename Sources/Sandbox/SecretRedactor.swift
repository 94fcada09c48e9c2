import Core
import Foundation

/// Replaces the call's secret values in everything the call hands back (result, logs,
/// error messages): tools are told never to return or log secrets, and this makes a
/// tool that does so anyway harmless to the model, the logs and the Playground.
struct SecretRedactor {
    static let replacement = "[redacted]"
    /// Shorter values would blank out ordinary words and numbers.
    static let minimumLength = 4

    private let values: [String]

    init(secrets: [String: String]) {
        values = Set(secrets.values.filter { $0.count >= Self.minimumLength }.flatMap(Self.spellings))
            .filter { $0.count >= Self.minimumLength }
            .sorted { $0.count > $1.count }
    }

    /// The value as written, and as a tool most often passes it on without meaning to: in a URL
    /// (`encodeURIComponent`, a form body), inside `JSON.stringify`'s output, and base64-encoded
    /// (`btoa`). A secret of letters and digits has no other spelling but base64.
    static func spellings(of value: String) -> [String] {
        var spellings = [value, jsonEscaped(value)]
        if let component = value.addingPercentEncoding(withAllowedCharacters: uriComponentCharacters) {
            spellings.append(component)
            spellings.append(component.replacingOccurrences(of: "%20", with: "+"))
        }
        // Whole 3-byte groups only: their base64 is the same whatever follows the value
        // (`btoa(key + ":")`), where the last, partial group's is not.
        let bytes = Array(value.utf8)
        if bytes.count >= 6 {
            let base64 = Data(bytes.prefix(bytes.count / 3 * 3)).base64EncodedString()
            spellings.append(base64)
            spellings.append(base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        return spellings
    }

    /// What `encodeURIComponent` leaves as it is.
    private static let uriComponentCharacters = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()")

    /// The inside of the string literal `JSON.stringify` writes for the value: Core's JSON writer
    /// escapes exactly the characters it does.
    private static func jsonEscaped(_ value: String) -> String {
        String(JSONValue.string(value).compactText.dropFirst().dropLast())
    }

    func redact(_ text: String) -> String {
        values.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.replacement) }
    }

    func redact(_ value: JSONValue) -> JSONValue {
        guard !values.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let items): return .array(items.map(redact))
        case .object(let members):
            return .object(Dictionary(members.map { (redact($0.key), redact($0.value)) }, uniquingKeysWith: { first, _ in first }))
        case .null, .bool, .number: return value
        }
    }

    func redact(_ failure: SandboxFailure) -> SandboxFailure {
        switch failure {
        case .thrown(let message): .thrown(redact(message))
        case .syntax(let message): .syntax(redact(message))
        case .invalidResult(let message): .invalidResult(redact(message))
        default: failure
        }
    }
}
