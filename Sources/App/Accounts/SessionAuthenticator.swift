import Core
import Fluent
import Vapor

/// The signed-in person behind a request, loaded from the session cookie.
struct CurrentUser: Authenticatable {
    let user: User
    let organization: Organization
    /// Set for browser sessions; `nil` when the request came with an API token.
    let session: Session?
    let apiToken: APIToken?
    /// The workspace's plan as `PlanPolicy` resolves it (override, Stripe, or the billing-off default).
    let plan: Plan
}

/// Loads the person behind a request: the session cookie (browsers) or an
/// `Authorization: Bearer bmm_…` personal API token (scripts and MCP clients that
/// cannot do OAuth). Only mounted on routes that need an account, so public pages
/// never touch the database.
struct SessionAuthenticator: AsyncMiddleware {
    let cookies: AuthCookies

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let now = request.application.clock.now()
        if let bearer = request.headers.bearerAuthorization?.token {
            guard let (token, user, organization) = try await request.tokenService().authenticate(secret: bearer) else {
                throw APIError(.unauthorized, "invalid_token", "The API token is unknown, revoked or expired.",
                               headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
            }
            try await request.tokenService().admit(token, path: request.url.path)
            request.auth.login(CurrentUser(user: user, organization: organization, session: nil, apiToken: token,
                                           plan: request.application.config.plans.plan(for: organization)))
            request.noteWorkspace(organization.id)
        } else if let token = request.cookies[cookies.session]?.string, !token.isEmpty,
                  let session = try await SessionService(database: request.db, now: now, random: request.application.random).find(token: token) {
            request.auth.login(CurrentUser(user: session.user, organization: session.organization, session: session, apiToken: nil,
                                           plan: request.application.config.plans.plan(for: session.organization)))
            request.noteWorkspace(session.organization.id)
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    var currentUser: CurrentUser? { auth.get(CurrentUser.self) }

    /// The signed-in person on a route behind `SignInRequired`.
    func requireUser() throws -> CurrentUser {
        guard let user = currentUser else { throw Self.signInNeeded }
        return user
    }

    static let signInNeeded = APIError(.unauthorized, "unauthorized", "Sign in to continue.")
}
