/// Why a message was not delivered.
///
/// Safe to log: no case carries the credentials, the recipient or the message, and ``description`` keeps only
/// characters that a provider's error code can contain.
public enum DeliveryError: Error, Equatable, Sendable {
    /// The provider refused the message (a 4xx); retrying the same message will not help.
    /// `code` is the provider's own error code (Postmark `ErrorCode`, Twilio `code`, Resend `name`) when it sent one.
    case rejected(status: Int, code: String?)
    /// The provider refused our account, not the message (out of credit, an unconfirmed sender): the operator can
    /// fix it, and the same message then goes through.
    case accountRefused(status: Int, code: String?)
    /// The provider could not be reached, failed (5xx, timeout, connection error) or is throttling us (429, which
    /// the providers say is safe to retry after backing off); `status` is nil without a response.
    case unavailable(status: Int?)
    /// The client was built with, or asked to send, something it cannot use. The reason is a fixed phrase chosen by
    /// this module; never put a secret or a recipient in it.
    case misconfigured(String)
}

extension DeliveryError: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        switch self {
        case .rejected(let status, let code):
            let shown = code.flatMap(ProviderErrorCode.sanitized).map { ", code \($0)" } ?? ""
            return "delivery rejected by provider (HTTP \(status)\(shown))"
        case .accountRefused(let status, let code):
            let shown = code.flatMap(ProviderErrorCode.sanitized).map { ", code \($0)" } ?? ""
            return "delivery provider refused our account (HTTP \(status)\(shown)); the operator can fix this"
        case .unavailable(let status?):
            return "delivery provider unavailable (HTTP \(status))"
        case .unavailable(nil):
            return "delivery provider unavailable (no response)"
        case .misconfigured(let reason):
            return "delivery misconfigured: \(reason)"
        }
    }

    public var debugDescription: String { description }
}

enum ProviderErrorCode {
    /// A provider's error code as shown to us: letters, digits, `_`, `-`, `.`, at most 64 characters.
    /// Anything else (a provider echoing an address back, say) is dropped rather than logged.
    static func sanitized(_ raw: String) -> String? {
        let allowed = raw.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "_-.".unicodeScalars.contains(scalar))
        }
        guard allowed, !raw.isEmpty, raw.count <= 64 else { return nil }
        return raw
    }

    /// A 401 or 403 refuses our credentials or account, never the person's address: the operator can fix it.
    /// Any other 4xx but 429 refuses the message; 429 and 5xx are worth retrying.
    static func failure(status: Int, code: String?) -> DeliveryError {
        if status == 401 || status == 403 { return .accountRefused(status: status, code: code.flatMap(sanitized)) }
        return (400..<500).contains(status) && status != 429
            ? .rejected(status: status, code: code.flatMap(sanitized))
            : .unavailable(status: status)
    }
}
