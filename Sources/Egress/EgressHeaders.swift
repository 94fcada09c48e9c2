/// The request-side rules for methods and headers.
enum EgressHeaders {
    /// Headers the transport sets itself, hop-by-hop headers (RFC 9110 §7.6.1) and anything aimed at a proxy:
    /// letting a caller set them would allow request smuggling or a Host that differs from the checked one.
    private static let owned: Set<String> = [
        "host", "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
        "expect",
    ]

    /// Followed to another origin, these would hand one site's credentials to another: the standard ones and the
    /// names APIs commonly use for keys.
    private static let credentials: Set<String> = [
        "authorization", "cookie", "x-api-key", "api-key", "apikey", "x-auth-token", "x-access-token", "private-token",
    ]

    /// Followed as a GET, the body and these descriptions of it are dropped.
    private static let bodyDescriptions: Set<String> = [
        "content-type", "content-encoding", "content-language", "content-location",
    ]

    /// Validates every header and drops the ones the transport owns, plus any that `Connection` names.
    static func sanitized(_ headers: [EgressHeader]) throws(EgressError) -> [EgressHeader] {
        for header in headers {
            guard isToken(header.name) else { throw .invalidHeader(nil) }
            guard header.value.unicodeScalars.allSatisfy({ $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) })
            else { throw .invalidHeader(header.name) }
        }
        let connectionOptions = Set(
            headers.filter { $0.name.lowercased() == "connection" }
                .flatMap { $0.value.split(separator: ",") }
                .map { String($0).trimmingASCIISpaces().lowercased() }
        )
        return headers.filter { header in
            let name = header.name.lowercased()
            return !owned.contains(name) && !name.hasPrefix("proxy-") && !connectionOptions.contains(name)
        }
    }

    /// Drops the credential headers, and any other header whose value holds one of `secretValues` (a key sent as
    /// `X-Whatever: <key>` is as much a credential as `Authorization`), SECURITY.md 44.
    static func withoutCredentials(_ headers: [EgressHeader], secretValues: [String] = []) -> [EgressHeader] {
        let secrets = secretValues.filter { $0.count >= minimumSecretLength }
        return headers.filter { header in
            !credentials.contains(header.name.lowercased()) && !secrets.contains { header.value.contains($0) }
        }
    }

    /// Whether the body holds one of `secretValues`, as it is or percent-encoded (a form's `api_key=…`).
    static func holdsSecret(_ body: [UInt8], secretValues: [String]) -> Bool {
        let text = String(decoding: body, as: UTF8.self)
        return secretValues.contains { secret in
            guard secret.count >= minimumSecretLength else { return false }
            return text.contains(secret) || text.contains(percentEncoded(secret))
        }
    }

    /// Every byte outside the unreserved set as `%XX`, as a form or query encodes it.
    private static func percentEncoded(_ text: String) -> String {
        let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8)
        var output = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) { output.unicodeScalars.append(Unicode.Scalar(byte)) } else { output += "%" + String(byte, radix: 16, uppercase: true).leftPadded }
        }
        return output
    }

    /// Shorter values would match ordinary header text by chance ("en", "1").
    static let minimumSecretLength = 4

    static func withoutBodyDescriptions(_ headers: [EgressHeader]) -> [EgressHeader] {
        headers.filter { !bodyDescriptions.contains($0.name.lowercased()) }
    }

    /// Any RFC 9110 token, upper-cased, except `CONNECT` (a tunnel would bypass every check on what flows through
    /// it) and `TRACE` (it reflects the request, credentials included).
    static func validatedMethod(_ method: String) throws(EgressError) -> String {
        guard isToken(method), method.count <= 32 else { throw .methodNotAllowed("(invalid)") }
        let upper = method.uppercased()
        guard upper != "CONNECT", upper != "TRACE" else { throw .methodNotAllowed(upper) }
        return upper
    }

    private static let tokenSymbols = Set("!#$%&'*+-.^_`|~")

    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || tokenSymbols.contains($0)) }
    }
}

private extension String {
    /// Two hex digits.
    var leftPadded: String { count == 1 ? "0" + self : self }
}
