import Core
import Foundation

/// Replaces the call's secret values in everything the call hands back (result, logs,
/// error messages): tools are told never to return or log secrets, and this makes a
/// tool that does so anyway harmless to the model, the logs and the Playground.
struct SecretRedactor {
    static let replacement = "[redacted]"

    private let values: [String]

    /// Each value in every spelling `SecretSpellings` knows, longest first so a longer spelling is never cut by a
    /// shorter one inside it.
    init(secrets: [String: String]) {
        values = Set(secrets.values.flatMap(SecretSpellings.of)).sorted { $0.count > $1.count }
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
