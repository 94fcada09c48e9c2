import Vapor

/// `/invite?token=…`: join a workspace from an emailed invitation.
enum InvitationController {
    struct AcceptForm: Content { var token: String? }

    static func page(_ req: Request) async throws -> Response {
        let token = String((req.query[String.self, at: "token"] ?? "").prefix(100))
        let service = req.organizationService()
        do {
            let invitation = try await service.openInvitation(token: token)
            let view = InvitationView(csrf: req.csrfToken(req.accounts.cookies), action: SiteRoute.invitation.path, token: token,
                                      organizationName: invitation.organization.name, email: invitation.email)
            return try await req.accountPage("Settings/invitation", title: "Join a workspace", view)
        } catch let error as APIError {
            return try await failure(req, error)
        }
    }

    static func accept(_ req: Request) async throws -> Response {
        let form = try req.content.decode(AcceptForm.self)
        let service = req.organizationService()
        do {
            let (user, organization) = try await service.accept(token: form.token ?? "")
            let (_, token) = try await req.sessions()
                .create(userID: user.id!, organizationID: organization.id!, ip: req.client.text,
                        userAgent: req.headers.first(name: .userAgent))
            let response = req.redirect(to: SiteRoute.dashboard.path, redirectType: .normal)
            req.startSession(on: response, token: token)
            return response.noStore()
        } catch let error as APIError {
            return try await failure(req, error)
        }
    }

    private static func failure(_ req: Request, _ error: APIError) async throws -> Response {
        let site = req.site
        let view = ErrorView(status: Int(error.status.code), heading: "This invitation did not work", message: error.reason, requestID: nil)
        let meta = site.unlistedMeta(title: "Invitation", description: error.reason)
        return try await req.renderHTML("error", Page(layout: site.layout(meta, current: nil), page: view), status: error.status).noStore()
    }
}
