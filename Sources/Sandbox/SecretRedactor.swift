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

    /// A text the worker may have cut to fit `cut` (it then ends with "…"). A secret spelling the cut went through
    /// is no longer whole, so `redact` alone would pass most of it on: the part left before the "…" is redacted
    /// as well, however short.
    func redact(_ text: String, cut: WorkerTextCut) -> String {
        let whole = redact(text)
        guard !values.isEmpty, cut.wasCut(text) else { return whole }
        let body = Array(whole.utf8.dropLast(WorkerTextCut.marker.utf8.count))
        var keep = body.count
        for spelling in values {
            let prefix = Array(spelling.utf8)
            // The longest end of `body` that starts `spelling`: it starts with the spelling's first byte, a lead
            // byte, so cutting there never splits a character.
            var length = min(prefix.count - 1, body.count)
            while length > 0 {
                if body[body.count - length] == prefix[0], body[(body.count - length)...].elementsEqual(prefix[..<length]) { break }
                length -= 1
            }
            keep = min(keep, body.count - length)
        }
        guard keep < body.count else { return whole }
        return String(decoding: body[..<keep], as: UTF8.self) + Self.replacement + WorkerTextCut.marker
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
        case .thrown(let message): .thrown(redact(message, cut: .message))
        case .syntax(let message): .syntax(redact(message))
        case .invalidResult(let message): .invalidResult(redact(message))
        default: failure
        }
    }
}
