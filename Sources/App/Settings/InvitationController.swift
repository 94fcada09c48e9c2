import Vapor

/// `/invite?token=…`: join a workspace from an emailed invitation. The link alone
/// signs nobody in (SECURITY.md 42): a signed-out visitor is sent to sign in as usual
/// and comes back here; only the invited address can accept.
enum InvitationController {
    struct AcceptForm: Content { var token: String? }

    static func page(_ req: Request) async throws -> Response {
        let token = String((req.query[String.self, at: "token"] ?? "").prefix(100))
        let service = req.organizationService()
        if let current = req.currentUser, try await service.alreadyJoined(token: token, current) {
            return req.redirect(to: SiteRoute.dashboard.path, redirectType: .normal)
        }
        do {
            let invitation = try await service.openInvitation(token: token)
            guard let current = req.currentUser else {
                let back = SiteRoute.invitation.path(QueryString([("token", token)]))
                return req.redirect(to: SiteRoute.login.path(QueryString([("next", back)])), redirectType: .normal)
            }
            try await service.checkInvitee(invitation, current)
            let inviter = invitation.invitedBy.map(Invitation.inviterLabel)
            let view = InvitationView(csrf: req.csrfToken(req.accounts.cookies), action: SiteRoute.invitation.path, token: token,
                                      organizationName: invitation.organization.name, email: invitation.email, inviter: inviter,
                                      roleLabel: invitation.role == Membership.Role.owner.rawValue
                                          ? "an owner (who manages its members and settings)" : "a member")
            return try await req.accountPage("Settings/invitation", title: "Join a workspace", view)
        } catch let error as APIError {
            return try await failure(req, error)
        }
    }

    static func accept(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(AcceptForm.self)
        let service = req.organizationService()
        // A second click, or the form sent again: the person is in, which is what they asked for.
        if try await service.alreadyJoined(token: form.token ?? "", current) {
            return req.redirect(to: SiteRoute.dashboard.path, redirectType: .normal).noStore()
        }
        do {
            _ = try await service.accept(token: form.token ?? "", as: current)
            return req.redirect(to: SiteRoute.dashboard.path, redirectType: .normal).noStore()
        } catch let error as APIError {
            // Both clicks of a double click got past the check above, and the other one accepted first.
            if error.code == "invitation_used", try await service.alreadyJoined(token: form.token ?? "", current, waiting: true) {
                return req.redirect(to: SiteRoute.dashboard.path, redirectType: .normal).noStore()
            }
            return try await failure(req, error)
        }
    }

    private static func failure(_ req: Request, _ error: APIError) async throws -> Response {
        try await req.refusalPage(error, heading: "This invitation did not work", title: "Invitation")
    }
}
