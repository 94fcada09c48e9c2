import Vapor

extension Request {
    /// A new session id at sign-in; the attempt cookie has done its job.
    func startSession(on response: Response, token: String) {
        let cookies = accounts.cookies
        response.cookies[cookies.session] = cookies.value(token, maxAge: Int(SessionService.absoluteTimeout))
        response.cookies[cookies.attempt] = cookies.expired()
        response.cookies[AuthCookies.hint] = AuthCookies.hintValue(isSecure: cookies.isSecure)
    }

    /// Ends this browser's session on the server and records it; the caller clears the cookies.
    func signOut() async throws {
        if let token = cookies[accounts.cookies.session]?.string {
            try await sessions().delete(token: token)
        }
        if let current = currentUser {
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
