import Vapor

/// Refuses requests addressed to a name this site does not serve (SECURITY.md 39):
/// with DNS rebinding, a page on `evil.example` whose name now resolves to this
/// server reaches `/mcp`, the forms and the development outbox as a same-origin
/// page, with `Host: evil.example`. Health probes come from load balancers that
/// address an instance by its IP, so their paths may name any host.
///
/// RFC 9112 §3.2: an HTTP/1.1 request without `Host`, any request with more than one, or one
/// whose value is not `uri-host [ ":" port ]` (RFC 3986 §3.2.2), is answered 400. (HTTP/1.0 has no `Host` requirement; in-process requests of the test
/// harness have no peer and no `Host`, and are not network requests.)
struct HostGuardMiddleware: AsyncMiddleware {
    let origins: SiteOrigins
    let exemptPaths: Set<String>

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let hosts = request.headers[.host]
        let isHTTP11 = request.version.major > 1 || (request.version.major == 1 && request.version.minor >= 1)
        let requiresHost = isHTTP11 && request.remoteAddress != nil
        if hosts.count > 1 || (hosts.isEmpty && requiresHost) {
            throw APIError(.badRequest, "bad_host", "An HTTP/1.1 request must carry exactly one Host header.")
        }
        if let host = hosts.first, !Self.isWellFormed(host: host) {
            throw APIError(.badRequest, "bad_host", "The Host header must be a host name or address, optionally with a port.")
        }
        if let host = request.headers.first(name: .host), !origins.allowsHost(host), !exemptPaths.contains(request.url.path) {
            throw APIError(.misdirectedRequest, "unexpected_host",
                           "This server does not answer to that host name. Use the address in BMM_PUBLIC_URL, or add this origin to BMM_ALLOWED_ORIGINS.")
        }
        return try await next.respond(to: request)
    }
}

extension HostGuardMiddleware {
    /// `uri-host [ ":" port ]`: a bracketed IP literal, or a registered name / IPv4 address of unreserved
    /// characters, sub-delimiters and percent-escapes; the port all digits. An empty value is well formed
    /// (RFC 9112 §3.2 has a client send it for a target without authority); it then matches no origin.
    static func isWellFormed(host value: String) -> Bool {
        var name = Substring(value)
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            let literal = name[name.index(after: name.startIndex)..<close]
            guard !literal.isEmpty, literal.utf8.allSatisfy({ isUnreserved($0) || isSubDelimiter($0) || $0 == UInt8(ascii: ":") }) else {
                return false
            }
            name = name[name.index(after: close)...]
            return name.isEmpty || isPort(name)
        }
        if let colon = name.lastIndex(of: ":") {
            guard isPort(name[colon...]) else { return false }
            name = name[..<colon]
        }
        let bytes = Array(name.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, bytes[index + 1].isHexDigit, bytes[index + 2].isHexDigit else { return false }
                index += 3
                continue
            }
            guard isUnreserved(byte) || isSubDelimiter(byte) else { return false }
            index += 1
        }
        return true
    }

    /// `":" *DIGIT`
    private static func isPort(_ text: Substring) -> Bool {
        text.first == ":" && text.utf8.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func isSubDelimiter(_ byte: UInt8) -> Bool {
        "!$&'()*+,;=".utf8.contains(byte)
    }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
