import Fluent
import Vapor

/// The signed-in person behind a request, loaded from the session cookie.
struct CurrentUser: Authenticatable {
    let user: User
    let organization: Organization
    let session: Session
}

/// Loads the session named by the cookie. Only mounted on routes that need an
/// account, so public pages never touch the database.
struct SessionAuthenticator: AsyncMiddleware {
    let cookies: AuthCookies

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = request.cookies[cookies.session]?.string, !token.isEmpty,
           let session = try await SessionService(database: request.db, now: request.application.clock.now()).find(token: token) {
            request.auth.login(CurrentUser(user: session.user, organization: session.organization, session: session))
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    var currentUser: CurrentUser? { auth.get(CurrentUser.self) }

    func requireUser() throws -> CurrentUser {
        guard let user = currentUser else {
            throw APIError(.unauthorized, "unauthorized", "Sign in to continue.")
        }
        return user
    }
}
