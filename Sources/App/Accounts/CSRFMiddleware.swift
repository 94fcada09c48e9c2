import Vapor

/// Cross-site request forgery defence for state-changing requests (SECURITY.md 6):
/// a foreign `Origin` is refused; forms must echo the CSRF cookie in a `csrf`
/// field; `fetch` calls made with a session cookie must echo it in `X-CSRF-Token`.
/// Requests without any cookie (API clients with bearer tokens, curl) carry no
/// ambient authority, so they only get the origin check. Session cookies are also
/// `SameSite=Lax`, which keeps browsers from sending them on cross-site POSTs.
struct CSRFMiddleware: AsyncMiddleware {
    static let formField = "csrf"
    static let header = "X-CSRF-Token"

    let cookies: AuthCookies
    let origins: SiteOrigins

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if ![.GET, .HEAD, .OPTIONS].contains(request.method) {
            // A form larger than the first network read is still streaming when
            // middleware runs; the token field can only be read once it is all here.
            if request.headers.contentType == .urlEncodedForm || request.headers.contentType?.type == "multipart" {
                _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
            }
            try check(request)
        }
        let response = try await next.respond(to: request)
        if let issued = request.storage[IssuedCSRFToken.self] {
            response.cookies[cookies.csrf] = cookies.value(issued, maxAge: nil)
        }
        return response
    }

    private func check(_ request: Request) throws {
        if let origin = request.headers.first(name: .origin), !origins.allowsOrigin(origin) {
            throw APIError(.forbidden, "csrf_failed", "This request came from another site and was refused.")
        }
        let cookieToken = request.cookies[cookies.csrf]?.string ?? ""
        let contentType = request.headers.contentType
        let isForm = contentType == .urlEncodedForm || contentType?.type == "multipart"
        if isForm {
            let field = (try? request.content.get(String.self, at: Self.formField)) ?? ""
            guard !cookieToken.isEmpty, SecretToken.constantTimeEqual(field, cookieToken) else {
                throw APIError(.forbidden, "csrf_failed", "Your form expired. Reload the page and try again.")
            }
            return
        }
        if request.cookies[cookies.session] != nil {
            let header = request.headers.first(name: Self.header) ?? ""
            guard !cookieToken.isEmpty, SecretToken.constantTimeEqual(header, cookieToken) else {
                throw APIError(.forbidden, "csrf_failed", "Missing or wrong \(Self.header) header.")
            }
        }
    }
}

private struct IssuedCSRFToken: StorageKey {
    typealias Value = String
}

extension Request {
    /// The CSRF token for forms on this page; issues a cookie when there is none yet.
    func csrfToken(_ cookies: AuthCookies) -> String {
        if let existing = self.cookies[cookies.csrf]?.string, !existing.isEmpty { return existing }
        if let issued = storage[IssuedCSRFToken.self] { return issued }
        let token = application.random.token()
        storage[IssuedCSRFToken.self] = token
        return token
    }
}
