import Vapor

extension Request {
    /// A new session id at sign-in; the attempt cookie has done its job. The session this browser carried until now
    /// (signed in again, or as someone else) ends: no browser holds it any more, and the signed-in browsers list
    /// would count it as another.
    func startSession(on response: Response, token: String) async throws {
        let cookies = accounts.cookies
        if let previous = self.cookies[cookies.session]?.string, previous != token {
            try await sessions().delete(token: previous)
        }
        response.cookies[cookies.session] = cookies.value(token, maxAge: Int(SessionService.absoluteTimeout))
        response.cookies[cookies.attempt] = cookies.expired()
        response.cookies[AuthCookies.hint] = AuthCookies.hintValue(isSecure: cookies.isSecure)
    }

    /// Ends this browser's session on the server and records it; the caller clears the cookies.
    func signOut() async throws {
        if let token = cookies[accounts.cookies.session]?.string {
            try await sessions().delete(token: token)
        }
        // Only a session signs out: a bearer token is not one (it is revoked under Settings → API tokens), and the
        // audit log must not show a sign-out that ended nothing.
        if let current = currentUser, current.session != nil {
            try await auditLog().record("auth.signed_out", organization: current.organization.id, actor: current.user.id,
                                        resourceType: "session", resourceID: current.session?.id?.uuidString)
        }
    }

    /// A page of the signed-out account flow (sign-in, invitations, the outbox):
    /// unlisted, never cached.
    func accountPage<View: Encodable>(_ template: String, title: String, _ view: View, status: HTTPStatus = .ok) async throws -> Response {
        let meta = site.unlistedMeta(title: title, description: "Sign in to BuildMyMCPServer with an email link or a text-message code.")
        return try await renderHTML(template, Page(layout: site.layout(meta, current: nil), page: view), status: status).noStore()
    }
}
