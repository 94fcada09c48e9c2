import Vapor

/// Cross-site request forgery defence for state-changing requests (SECURITY.md 6):
/// a foreign `Origin` is refused; forms must echo the CSRF cookie in a `csrf`
/// field; `fetch` calls made with a session cookie must echo it in `X-CSRF-Token`.
/// Requests authenticated by a bearer token (which `SessionAuthenticator` prefers to any
/// cookie sent beside it, and which another site's page cannot attach) and requests without
/// any cookie (curl) carry no ambient authority, so they only get the origin check. Session cookies are also
/// `SameSite=Lax`, which keeps browsers from sending them on cross-site POSTs.
///
/// The token cookie lives as long as a session can (30 days) and is renewed by every page that
/// puts it in a form: a tab left open across a browser restart still sends a form that works,
/// where a cookie that ended with the browser session made it a 403.
struct CSRFMiddleware: AsyncMiddleware {
    static let formField = "csrf"
    static let header = "X-CSRF-Token"
    /// As long as the longest session.
    static let lifetime = Int(SessionService.absoluteTimeout)
    static let expiredFormMessage = "Nothing was changed: this form's security code did not match your browser's (cookies cleared, or the page came from another browser). Open the form again and send it once more."

    let cookies: AuthCookies
    let origins: SiteOrigins

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if ![.GET, .HEAD, .OPTIONS].contains(request.method) {
            // Media types ignore case (RFC 9110 §8.3.1), Vapor's decoder lookup does not: `application/JSON` is JSON.
            if let raw = request.headers.first(name: .contentType), raw.contains(where: \.isUppercase) {
                let parts = raw.split(separator: ";", maxSplits: 1)
                request.headers.replaceOrAdd(name: .contentType, value: parts[0].lowercased() + (parts.count > 1 ? ";" + parts[1] : ""))
            }
            // A form larger than the first network read is still streaming when
            // middleware runs; the token field can only be read once it is all here. The route's own limit
            // applies (a spec or a listing's description may take 1 MB): once collected here, the route's
            // collection takes the body as it is.
            if request.isBrowserForm {
                let body = try await request.body.collect(max: Route.bodyLimit(of: request)).get()
                if let body, request.headers.contentType == .urlEncodedForm, !FormBody.isUTF8(Array(body.readableBytesView)) {
                    throw APIError(.badRequest, "bad_request", "Nothing was changed: the form holds bytes that are not UTF-8 text. Send it as UTF-8, as browsers do.")
                }
            }
            try check(request)
        }
        let response = try await next.respond(to: request)
        response.carryCSRFToken(of: request, cookies)
        return response
    }

    private func check(_ request: Request) throws {
        if let origin = request.headers.first(name: .origin), !origins.allowsOrigin(origin) {
            throw APIError(.forbidden, "csrf_failed", "This request came from another site and was refused.")
        }
        // A client that kept a cookie jar, or sent a form body by mistake, is still the token's: the cookie is not read.
        if request.headers.bearerAuthorization != nil { return }
        let cookieToken = request.cookies[cookies.csrf]?.string ?? ""
        let isForm = request.isBrowserForm
        if isForm {
            let field = (try? request.content.get(String.self, at: Self.formField)) ?? ""
            guard !cookieToken.isEmpty, SecretToken.constantTimeEqual(field, cookieToken) else {
                throw APIError(.forbidden, "csrf_failed", Self.expiredFormMessage)
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

/// The token a page put in its forms, and whether this request made it.
private struct IssuedCSRFToken: StorageKey {
    struct Value: Sendable {
        let token: String
        let isNew: Bool
    }
}

extension Response {
    /// Sets or renews the CSRF cookie when this answer's page put the token in a form: also on an error page
    /// whose form sends a refused one again, which `CSRFMiddleware` never sees come back.
    func carryCSRFToken(of request: Request, _ cookies: AuthCookies) {
        guard let used = request.storage[IssuedCSRFToken.self], used.isNew || !isStorableBySharedCaches else { return }
        self.cookies[cookies.csrf] = cookies.value(used.token, maxAge: CSRFMiddleware.lifetime)
    }
}

extension Request {
    /// The CSRF token for forms on this page; issues a cookie when there is none yet and renews it
    /// when there is.
    func csrfToken(_ cookies: AuthCookies) -> String {
        if let used = storage[IssuedCSRFToken.self] { return used.token }
        if let existing = self.cookies[cookies.csrf]?.string, !existing.isEmpty {
            storage[IssuedCSRFToken.self] = .init(token: existing, isNew: false)
            return existing
        }
        let token = application.random.token()
        storage[IssuedCSRFToken.self] = .init(token: token, isNew: true)
        return token
    }
}
