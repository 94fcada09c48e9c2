import Vapor

/// The one sign-in check in front of every route that needs an account. Pages send
/// a signed-out visitor to sign in and back; the API and form actions answer 401.
/// Handlers behind it read the person with `req.requireUser()`.
struct SignInRequired: AsyncMiddleware {
    enum Answer: Sendable {
        /// Redirect to sign-in, continuing at `route` afterwards.
        case redirect(returningTo: SiteRoute)
        /// 401 `unauthorized` (JSON for the API, the error page for forms).
        case unauthorized
    }

    let answer: Answer

    static func redirect(returningTo route: SiteRoute) -> SignInRequired { SignInRequired(answer: .redirect(returningTo: route)) }
    static let unauthorized = SignInRequired(answer: .unauthorized)

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.currentUser == nil else { return try await next.respond(to: request) }
        switch answer {
        case .redirect(let route):
            // A form posted after the session ended comes back to the page it was on, not the section's start.
            if request.method != .GET, request.method != .HEAD, let page = request.formPage() {
                try Self.keepText(of: request)
                return request.redirectToSignIn(next: page)
            }
            // A page opened from a bookmark or a link (a server's Logs tab, a review step, filtered audit) is where
            // sign-in leads back to, with its query; `route` is for what cannot be returned to.
            if request.method == .GET || request.method == .HEAD, let page = request.ownPage() {
                return request.redirectToSignIn(next: page)
            }
            return request.redirectToSignIn(returningTo: route)
        case .unauthorized:
            // The same for a browser's form (Settings, billing) sent after its session ended: sign in, then back to
            // the page it was on, where a dead-end 401 page lost the way. Scripts and `fetch` still get the 401.
            if request.isBrowserForm, request.headers.bearerAuthorization == nil, let page = request.formPage() {
                try Self.keepText(of: request)
                return request.redirectToSignIn(next: page)
            }
            throw Request.signInNeeded
        }
    }

    /// A form with text in it (a hand-edited spec, a change for Iterate) is not dropped by the way to sign-in:
    /// the page that answers shows it back with a button that sends it again once signed in (`UnsentForm`).
    private static func keepText(of request: Request) throws {
        if !ErrorPageMiddleware.wantsJSON(request), UnsentForm.from(request)?.hasText == true {
            throw APIError(.unauthorized, "unauthorized", UnsentForm.signedOutMessage)
        }
    }
}

/// Platform administrators only; everyone else gets the plain 404 an unknown page gets.
struct AdminRequired: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let current = request.currentUser, current.user.isAdmin else { throw Abort(.notFound) }
        return try await next.respond(to: request)
    }
}

/// What every route that knows who is asking runs first: the person from the
/// session cookie or API token, the audit of refusals, CSRF checks on changes, and
/// the suspension rule.
enum AccountMiddleware {
    static func all(_ accounts: AccountsEnvironment) -> [any Middleware] {
        [
            SessionAuthenticator(cookies: accounts.cookies),
            RefusalAudit(),
            CSRFMiddleware(cookies: accounts.cookies, origins: accounts.origins),
            SuspensionGuard(),
        ]
    }
}
