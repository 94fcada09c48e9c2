import Vapor

/// In production behind a TLS-terminating proxy, a request the proxy reports as
/// plain `http` (`X-Forwarded-Proto` or `Forwarded: proto=`, believed only from
/// `BMM_TRUSTED_PROXIES`) is sent to the https address instead of being answered
/// over an unencrypted hop: pages move with a permanent redirect, anything that
/// carries data is refused, since repeating it would have sent it in clear already.
struct HTTPSOnlyMiddleware: AsyncMiddleware {
    let publicURL: String
    let exemptPaths: Set<String>

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.client.scheme == "http", !exemptPaths.contains(request.url.path) else {
            return try await next.respond(to: request)
        }
        guard [.GET, .HEAD].contains(request.method) else {
            throw APIError(.badRequest, "https_required", "Use \(publicURL): this server only accepts requests over https.")
        }
        var target = publicURL
        while target.hasSuffix("/") { target.removeLast() }
        return request.redirect(to: target + request.url.string, redirectType: .permanentPost)
    }
}
