import Vapor

/// Refuses requests addressed to a name this site does not serve (SECURITY.md 39):
/// with DNS rebinding, a page on `evil.example` whose name now resolves to this
/// server reaches `/mcp`, the forms and the development outbox as a same-origin
/// page, with `Host: evil.example`. Browsers always send `Host`; a request without
/// one is not a browser's and passes. Health probes come from load balancers that
/// address an instance by its IP, so they pass too.
struct HostGuardMiddleware: AsyncMiddleware {
    let origins: SiteOrigins
    let exemptPaths: Set<String>

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let host = request.headers.first(name: .host), !origins.allowsHost(host), !exemptPaths.contains(request.url.path) {
            throw APIError(.misdirectedRequest, "unexpected_host",
                           "This server does not answer to that host name. Use the address in BMM_PUBLIC_URL, or add this origin to BMM_ALLOWED_ORIGINS.")
        }
        return try await next.respond(to: request)
    }
}
