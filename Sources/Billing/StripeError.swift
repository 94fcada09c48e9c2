import Foundation

/// What Stripe said when it refused a request: the fields of its `{"error": {…}}` body and the HTTP status.
public struct StripeErrorDetail: Equatable, Sendable {
    public var status: Int
    /// `card_error`, `invalid_request_error`, `api_error`, `idempotency_error`.
    public var type: String?
    /// Stripe's machine code, e.g. `card_declined`, `resource_missing`, `parameter_unknown`.
    public var code: String?
    /// The parameter Stripe blames, e.g. `ui_mode` or `line_items[0][price]`.
    public var param: String?
    public var declineCode: String?
    /// Stripe's human message (card errors are written for the customer). Any API key in it is masked before it
    /// gets here; ``StripeError/description`` leaves it out all the same, since it may quote customer data.
    public var message: String?
    /// Stripe's `Request-Id` header, what its support asks for.
    public var requestID: String?

    public init(
        status: Int,
        type: String? = nil,
        code: String? = nil,
        param: String? = nil,
        declineCode: String? = nil,
        message: String? = nil,
        requestID: String? = nil
    ) {
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.declineCode = declineCode
        self.message = message
        self.requestID = requestID
    }
}

/// Why a Stripe call failed.
///
/// Safe to log: no case carries the secret key, and ``description`` shows only the status, Stripe's type, code,
/// param and decline code (each reduced to the characters such a code can hold) and the request id.
public enum StripeError: Error, Equatable, Sendable {
    /// 402 `card_error`: the customer's card or bank refused; `message` is meant for them.
    case card(StripeErrorDetail)
    /// 400/404 `invalid_request_error`: our parameters (or the object named) are wrong; retrying will not help.
    case invalidRequest(StripeErrorDetail)
    /// `idempotency_error`: an `Idempotency-Key` reused with other parameters, or while its first request runs.
    case idempotency(StripeErrorDetail)
    /// 401: the secret key is missing, wrong or revoked.
    case authentication(StripeErrorDetail)
    /// 403: a restricted key without the permission.
    case permission(StripeErrorDetail)
    /// 429: too many requests; try again later with the same idempotency key.
    case rateLimited(StripeErrorDetail)
    /// 5xx or `api_error`: Stripe failed. The outcome is unknown; Stripe replays the same answer for the same
    /// idempotency key, so a real retry needs a new attempt.
    case api(StripeErrorDetail)
    /// No connection could be made or it broke before an answer.
    case unreachable
    /// No complete answer within the client's timeout.
    case timeout
    /// An answer that is not Stripe's JSON (or larger than the client reads).
    case invalidResponse(status: Int)
    /// The client was built with, or asked to send, something it cannot use. The reason is a fixed phrase chosen
    /// by this module; never a secret.
    case misconfigured(String)

    public var detail: StripeErrorDetail? {
        switch self {
        case .card(let detail), .invalidRequest(let detail), .idempotency(let detail), .authentication(let detail),
            .permission(let detail), .rateLimited(let detail), .api(let detail):
            detail
        case .unreachable, .timeout, .invalidResponse, .misconfigured:
            nil
        }
    }

    /// Transport failures and Stripe's own failures, where the caller may show "try again".
    public var isTransient: Bool {
        switch self {
        case .unreachable, .timeout, .rateLimited, .api: true
        default: false
        }
    }

    /// The error Stripe's answer describes, chosen by status first (Stripe sends 401, 403 and 429 with the type
    /// `invalid_request_error`), then by `type`.
    static func from(_ detail: StripeErrorDetail) -> StripeError {
        switch (detail.status, detail.type) {
        case (401, _): .authentication(detail)
        case (403, _): .permission(detail)
        case (429, _): .rateLimited(detail)
        case (_, "card_error"): .card(detail)
        case (_, "idempotency_error"): .idempotency(detail)
        case (500..., _), (_, "api_error"): .api(detail)
        default: .invalidRequest(detail)
        }
    }
}

extension StripeError: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        switch self {
        case .card(let detail): "Stripe card error (\(Self.summary(detail)))"
        case .invalidRequest(let detail): "Stripe refused the request (\(Self.summary(detail)))"
        case .idempotency(let detail): "Stripe idempotency error (\(Self.summary(detail)))"
        case .authentication(let detail): "Stripe authentication failed (\(Self.summary(detail)))"
        case .permission(let detail): "Stripe permission denied (\(Self.summary(detail)))"
        case .rateLimited(let detail): "Stripe rate limit (\(Self.summary(detail)))"
        case .api(let detail): "Stripe failed (\(Self.summary(detail)))"
        case .unreachable: "Stripe unreachable (no response)"
        case .timeout: "Stripe timed out"
        case .invalidResponse(let status): "Stripe answered with an unreadable body (HTTP \(status))"
        case .misconfigured(let reason): "Stripe client misconfigured: \(reason)"
        }
    }

    public var debugDescription: String { description }

    private static func summary(_ detail: StripeErrorDetail) -> String {
        var parts = ["HTTP \(detail.status)"]
        for (name, value) in [
            ("type", detail.type), ("code", detail.code), ("param", detail.param),
            ("decline_code", detail.declineCode), ("request", detail.requestID),
        ] {
            if let shown = value.flatMap(StripeCode.sanitized) { parts.append("\(name) \(shown)") }
        }
        return parts.joined(separator: ", ")
    }
}

enum StripeCode {
    /// Letters, digits, `_-.[]`, at most 100 characters: what Stripe's types, codes, params and request ids are
    /// made of. Anything else is dropped rather than logged. A value shaped like an API key is dropped too.
    static func sanitized(_ raw: String) -> String? {
        let allowed = raw.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "_-.[]".unicodeScalars.contains(scalar))
        }
        guard allowed, !raw.isEmpty, raw.count <= 100, !SecretKeyShape.matches(raw) else { return nil }
        return raw
    }
}

enum SecretKeyShape {
    static let prefixes = ["sk_", "rk_", "whsec_"]

    static func matches(_ text: some StringProtocol) -> Bool {
        prefixes.contains { text.hasPrefix($0) }
    }

    /// `text` with every word that starts like a Stripe secret (`sk_…`, `rk_…`, `whsec_…`) and `key` itself replaced.
    static func masked(_ text: String, key: String) -> String {
        var result = key.isEmpty ? text : text.replacingOccurrences(of: key, with: "[redacted]")
        for prefix in prefixes {
            var searchStart = result.startIndex
            while let range = result.range(of: prefix, range: searchStart..<result.endIndex) {
                let wordStart = range.lowerBound == result.startIndex
                    || !Self.isKeyCharacter(result[result.index(before: range.lowerBound)])
                guard wordStart else {
                    searchStart = range.upperBound
                    continue
                }
                var end = range.upperBound
                while end < result.endIndex, Self.isKeyCharacter(result[end]) { end = result.index(after: end) }
                result.replaceSubrange(range.lowerBound..<end, with: "[redacted]")
                searchStart = result.index(range.lowerBound, offsetBy: "[redacted]".count)
            }
        }
        return result
    }

    private static func isKeyCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "*")
    }
}
