import Core
import Fluent
import Messaging
import Vapor

/// What the account features need from configuration, built once in `configure`.
struct AccountsEnvironment: Sendable {
    let cookies: AuthCookies
    let publicURL: String
    /// Keys the SMS code hashes.
    let secret: String
    let mailer: any Mailer
    let sms: any SMSSender
    /// Development shows the outbox; production never registers it.
    let showsOutbox: Bool

    /// Who may post forms and call `/mcp` from a browser, and which host names are served.
    let origins: SiteOrigins
}

extension Application {
    private struct AccountsKey: StorageKey {
        typealias Value = AccountsEnvironment
    }

    var accounts: AccountsEnvironment {
        get { configured(AccountsKey.self) }
        set { storage[AccountsKey.self] = newValue }
    }
}

extension Request {
    var accounts: AccountsEnvironment { application.accounts }

    func loginService() -> LoginService {
        LoginService(
            database: db,
            now: application.clock.now(),
            publicURL: accounts.publicURL,
            secret: accounts.secret,
            mailer: accounts.mailer,
            sms: accounts.sms,
            audit: auditLog(),
            client: client,
            rateLimits: application.config.rateLimits,
            random: application.random
        )
    }

    /// The browser's sign-in attempt id, creating one when missing. Either way its cookie is set again for another
    /// hour (`applyIssuedCookies`): a link or code asked for late in the hour of an earlier one must still find the
    /// attempt in this browser when it is used, where the first cookie had ended and the link said "wrong browser".
    func signInAttempt() -> String {
        if let issued = storage[IssuedAttemptKey.self] { return issued }
        let existing = cookies[accounts.cookies.attempt]?.string ?? ""
        let attempt = existing.isEmpty ? application.random.token() : existing
        storage[IssuedAttemptKey.self] = attempt
        return attempt
    }

    /// Sets cookies this request decided on (attempt id) on `response`.
    func applyIssuedCookies(to response: Response) {
        if let attempt = storage[IssuedAttemptKey.self] {
            response.cookies[accounts.cookies.attempt] = accounts.cookies.value(attempt, maxAge: 3600)
        }
    }

    /// Sends a signed-out visitor to sign in, and back to `route` afterwards.
    func redirectToSignIn(returningTo route: SiteRoute) -> Response {
        redirectToSignIn(next: route.path)
    }

    func redirectToSignIn(next: String) -> Response {
        redirect(to: SiteRoute.login.path(QueryString([("next", next)])), redirectType: .normal)
    }

    /// The page a form was posted from, when the `Referer` names this site: its path and query.
    func formPage() -> String? {
        // `allowsOrigin` reads the scheme, host and port of any URL, so the whole Referer can be asked.
        guard let referer = headers.first(name: .referer), accounts.origins.allowsOrigin(referer),
              let url = URLComponents(string: referer) else { return nil }
        let path = url.percentEncodedPath + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
        return LocalRedirect.isLocalPath(path) ? path : nil
    }

    /// This request's own path and query, to come back to after sign-in.
    func ownPage() -> String? {
        let path = url.path + (url.query.map { "?" + $0 } ?? "")
        return LocalRedirect.isLocalPath(path) ? path : nil
    }

    /// A form a browser sent by itself (not `fetch` with JSON, not a script).
    var isBrowserForm: Bool {
        headers.contentType == .urlEncodedForm || headers.contentType?.type == "multipart"
    }

    /// A local path to continue to after sign-in; anything else becomes the dashboard.
    func safeNext(_ candidate: String?) -> String {
        LocalRedirect.target(candidate, fallback: SiteRoute.dashboard.path)
    }
}

private struct IssuedAttemptKey: StorageKey {
    typealias Value = String
}

extension Response {
    /// Pages with personal data or form tokens must never be stored by caches.
    func noStore() -> Response {
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return self
    }
}
