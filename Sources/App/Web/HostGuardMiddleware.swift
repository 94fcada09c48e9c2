import Vapor

/// Refuses requests addressed to a name this site does not serve (SECURITY.md 39):
/// with DNS rebinding, a page on `evil.example` whose name now resolves to this
/// server reaches `/mcp`, the forms and the development outbox as a same-origin
/// page, with `Host: evil.example`. Health probes come from load balancers that
/// address an instance by its IP, so their paths may name any host.
///
/// RFC 9112 §3.2: an HTTP/1.1 request without `Host`, or any request with more than one,
/// is answered 400. (HTTP/1.0 has no `Host` requirement; in-process requests of the test
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
        if let host = request.headers.first(name: .host), !origins.allowsHost(host), !exemptPaths.contains(request.url.path) {
            throw APIError(.misdirectedRequest, "unexpected_host",
                           "This server does not answer to that host name. Use the address in BMM_PUBLIC_URL, or add this origin to BMM_ALLOWED_ORIGINS.")
        }
        return try await next.respond(to: request)
    }
}
