import Core
import Fluent
import Foundation
import Vapor

/// `/settings`: profile, personal API tokens and the danger zone, as forms that
/// post and redirect (or re-render with the error and what was typed).
enum SettingsController {
    struct ProfileForm: Content { var displayName: String? }
    /// `scope` is one radio choice: "mcp", "api" or "api mcp".
    struct TokenForm: Content { var name: String?; var expiresInDays: String?; var scope: String?; var server: String?; var once: String? }
    /// A token form sent again (a reload of the page that showed the token): it made its token the first time.
    static let alreadySent = "This form was already sent, and its token is in the list below. Its value was shown once: if you did not copy it, revoke it and create another."
    struct DeleteForm: Content { var confirm: String? }
    struct RenameForm: Content { var name: String? }
    struct InviteForm: Content {
        var email: String?
        var role: String?

        /// The form's two choices; anything else was not offered, so it is refused rather than guessed.
        static func role(_ value: String?) throws -> Membership.Role {
            switch value ?? "member" {
            case "member", "": return .member
            case "owner": return .owner
            default: throw APIError(.unprocessableEntity, "invalid_role", "Choose Member or Owner for the invitation.")
            }
        }
    }
    struct SwitchForm: Content {
        var organization: String?
        /// A page of this site to open once switched (the server a link led to); Settings otherwise.
        var next: String?
    }

    static func page(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let notice: String? = switch req.query[String.self, at: "saved"] {
        case "profile": "Profile saved."
        case "revoked": "Token revoked."
        case "renamed": "Workspace renamed."
        case "invited": "Invitation sent."
        case "reinvited": "Invitation sent. It replaces the one sent to this address before, whose link no longer works, and its role is the one chosen now."
        case "removed": "Member removed."
        case "owner": "Member made an owner."
        case "invitation-revoked": "Invitation cancelled. Its link no longer works."
        case "sessions-ended": "Signed out of every other browser."
        case "session-ended": "Signed out of that browser."
        case "session-gone": "That browser was already signed out."
        case "switched": "Switched workspace."
        case "email-sent": "We sent a confirmation link to the new address. Open it within an hour, signed in as you are now, to finish the change."
        case "email-changed": "Email changed: you sign in with the new address from now on."
        case "left": "You left the workspace. Its servers, tokens and connected apps are no longer yours to use."
        default: nil
        }
        return try await render(req, current, notice: notice)
    }

    static func saveProfile(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(ProfileForm.self)
        do {
            try await req.account().updateDisplayName(form.displayName ?? "", for: current)
        } catch let error as APIError {
            // The refused name stays in the field to correct, not the saved one.
            return try await render(req, current, error: error.reason, typedName: String((form.displayName ?? "").prefix(200)),
                                    status: .unprocessableEntity)
        }
        return req.redirect(to: SiteRoute.settings.path(QueryString([("saved", "profile")])), redirectType: .normal)
    }

    static func createToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(TokenForm.self)
        let typed = form.expiresInDays?.trimmingCharacters(in: .whitespaces) ?? ""
        // Empty means no expiry; anything else must be a number of days, never read as "no expiry".
        let days = typed.isEmpty ? nil : Int(typed)
        // Empty is every server; anything else must be one of the workspace's, never read as "every server".
        let chosenServer = form.server?.trimmingCharacters(in: .whitespaces) ?? ""
        func kept(_ error: String) -> TokenFormView {
            TokenFormView(name: String((form.name ?? "").prefix(80)), expiresInDays: typed, scope: form.scope ?? "mcp",
                          server: chosenServer, error: error)
        }
        if !typed.isEmpty, days == nil {
            return try await render(req, current, tokenForm: kept("Expiry must be a whole number of days between 1 and \(APITokenService.maxLifetimeDays), or empty for none."),
                                    status: .unprocessableEntity)
        }
        guard try await FormOnce.spend(form.once, on: req) else {
            return try await render(req, current, notice: Self.alreadySent, status: .conflict)
        }
        do {
            let scopes = try APITokenScope.parse(form.scope.map { $0.split(separator: " ").map(String.init) })
            let server = chosenServer.isEmpty ? nil : try await req.servers(current).find(UUID(uuidString: chosenServer))
            let (_, secret) = try await req.tokenService().create(name: form.name ?? "", expiresInDays: days, scopes: scopes,
                                                                  server: server, for: current)
            // Rendered, not redirected: the secret must appear exactly once and never in a URL.
            return try await render(req, current, newToken: secret)
        } catch let error as APIError {
            // No token was made: the same form, corrected after Back, makes one.
            try await FormOnce.release(form.once, on: req)
            return try await render(req, current, tokenForm: kept(error.reason), status: .unprocessableEntity)
        }
    }

    static func revokeToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameter(.token, as: UUID.self) else { throw APIError(.notFound, "not_found", "No such token.") }
        _ = try await req.tokenService().revoke(id: id, for: current)
        return req.redirect(to: SiteRoute.settings.path(QueryString([("saved", "revoked")])), redirectType: .normal)
    }

    static func deleteAccount(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(DeleteForm.self)
        do {
            try await req.account().delete(current, confirm: form.confirm ?? "")
        } catch let error as APIError {
            return try await render(req, current, deleteError: error.reason, status: error.status).carrying(error)
        }
        // Signed out, where a new account would begin, with word that the deletion happened (the home page says nothing).
        let response = req.redirect(to: SiteRoute.login.path(QueryString([("notice", "account-deleted")])), redirectType: .normal)
        req.accounts.cookies.clearSignIn(on: response)
        return response.noStore()
    }

    static func renameWorkspace(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(RenameForm.self)
        do {
            try req.checkFormWorkspace(current)
            try await organizations(req).rename(current, to: form.name ?? "")
        } catch let error as APIError where error.formStatus == .unprocessableEntity {
            // The refused name stays in the field to correct, as the profile form's does, not the saved one.
            let refused = SettingsView.RefusedRename(name: String((form.name ?? "").prefix(200)), error: error.reason)
            return try await render(req, current, refusedRename: refused, status: .unprocessableEntity).carrying(error)
        } catch let error as APIError {
            return try await render(req, current, error: error.reason, status: error.formStatus).carrying(error)
        }
        return req.redirect(to: SiteRoute.settings.path(QueryString([("saved", "renamed")])), redirectType: .normal)
    }

    static func invite(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(InviteForm.self)
        let replaced: Bool
        do {
            try req.checkFormWorkspace(current)
            let email: EmailAddress
            do { email = try EmailAddress.parse(form.email ?? "") } catch { throw APIError(error) }
            replaced = try await organizations(req).invite(current, email: email, role: try InviteForm.role(form.role),
                                                           publicURL: req.accounts.publicURL, mailer: req.accounts.mailer)
        } catch let error as APIError {
            // Shown at the field with what was typed, not in a banner a screen away.
            let attempt = WorkspaceSection.InviteAttempt(email: String((form.email ?? "").prefix(254)), asOwner: form.role == "owner", error: error.reason)
            return try await render(req, current, invite: attempt, status: error.formStatus).carrying(error)
        }
        return req.redirect(to: SiteRoute.settings.path(QueryString([("saved", replaced ? "reinvited" : "invited")])), redirectType: .normal)
    }

    /// A form's address opened directly (a reload after a refused form, a bookmark): the settings page.
    static func toSettings(_ req: Request) -> Response {
        req.redirect(to: SiteRoute.settings.path, redirectType: .normal)
    }

    static func removeMember(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameter(.member, as: UUID.self) else { throw APIError(.notFound, "not_found", "No such member.") }
        return try await orRender(req, current, then: "removed") {
            try await organizations(req).remove(current, memberID: id)
        }
    }

    static func makeOwner(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameter(.member, as: UUID.self) else { throw APIError(.notFound, "not_found", "No such member.") }
        return try await orRender(req, current, then: "owner") {
            try await organizations(req).makeOwner(current, memberID: id)
        }
    }

    static func leaveWorkspace(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        return try await orRender(req, current, then: "left") {
            try await organizations(req).leave(current)
        }
    }

    /// Ends every browser session of the person but this one (API tokens are revoked one by one, above them).
    static func endOtherSessions(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let session = current.session else {
            throw APIError(.forbidden, "insufficient_scope", "Signing out other browsers needs a browser session.")
        }
        let ended = try await req.sessions().endOthers(of: current.user.id!, except: session.id!)
        try await req.auditLog().record("auth.signed_out_elsewhere", organization: current.organization.id, actor: current.user.id,
                                     resourceType: "user", resourceID: current.user.id?.uuidString, metadata: ["sessions": String(ended)])
        return req.redirect(to: SiteRoute.settings.path(QueryString([("saved", "sessions-ended")])), redirectType: .normal)
    }

    /// Ends one other browser's session: a phone left signed in somewhere, without signing out the rest.
    static func endSession(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let session = current.session else {
            throw APIError(.forbidden, "insufficient_scope", "Signing out a browser needs a browser session.")
        }
        guard let id = req.parameter(.session, as: UUID.self) else { throw APIError(.notFound, "not_found", "No such browser session.") }
        guard id != session.id else {
            throw APIError(.conflict, "current_session", "That is the browser you are using: sign out from the menu instead.")
        }
        let ended = try await req.sessions().end(id, of: current.user.id!, except: session.id!)
        if let ended {
            try await req.auditLog().record("auth.signed_out_elsewhere", organization: current.organization.id, actor: current.user.id,
                                         resourceType: "user", resourceID: current.user.id?.uuidString,
                                         metadata: ["sessions": "1", "browser": BrowserName.of(userAgent: ended.userAgent)])
        }
        return req.redirect(to: SiteRoute.settings.path(QueryString([("saved", ended == nil ? "session-gone" : "session-ended")])),
                            redirectType: .normal)
    }

    static func revokeInvitation(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameter(.invitation, as: UUID.self) else { throw OrganizationService.noSuchInvitation }
        return try await orRender(req, current, then: "invitation-revoked") {
            try await organizations(req).revokeInvitation(current, id: id)
        }
    }

    /// Makes another of the person's workspaces the current one for this session.
    static func switchWorkspace(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(SwitchForm.self)
        try await req.organizationService().switchWorkspace(current, to: form.organization.flatMap(UUID.init(uuidString:)))
        let settings = SiteRoute.settings.path(QueryString([("saved", "switched")]))
        return req.redirect(to: LocalRedirect.target(form.next, fallback: settings), redirectType: .normal)
    }

    private static func organizations(_ req: Request) -> OrganizationService {
        req.organizationService()
    }

    /// Runs a change and redirects with a notice, or re-renders the page with its error.
    private static func orRender(_ req: Request, _ current: CurrentUser, then notice: String, _ change: () async throws -> Void) async throws -> Response {
        do {
            try req.checkFormWorkspace(current)
            try await change()
        } catch let error as APIError {
            return try await render(req, current, error: error.reason, status: error.formStatus).carrying(error)
        }
        return req.redirect(to: SiteRoute.settings.path(QueryString([("saved", notice)])), redirectType: .normal)
    }

    static func render(
        _ req: Request, _ current: CurrentUser, newToken: String? = nil, notice: String? = nil,
        error: String? = nil, invite: WorkspaceSection.InviteAttempt? = nil, tokenForm: TokenFormView = TokenFormView(),
        email: EmailFormView = EmailFormView(), typedName: String? = nil, deleteError: String? = nil,
        refusedRename: SettingsView.RefusedRename? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let data = try await SettingsPageQuery(database: req.db, now: req.application.clock.now(), organizations: req.organizationService(),
                                               tokens: req.tokenService()).load(current)
        var view = SettingsView(data, current: current, drafter: req.application.drafting.choose(current.plan),
                                csrf: req.csrfToken(req.accounts.cookies), newToken: newToken, notice: notice, error: error,
                                invite: invite, tokenForm: tokenForm, email: email, typedName: typedName)
        view.tokenOnce = FormOnce.value(req)
        view.deleteError = deleteError
        view.refusedRename = refusedRename
        return try await AppShellBuilder.page(req, current, "Settings/settings", title: "Settings", active: .settings, view, status: status)
    }
}

extension Request {
    /// A workspace form carries the workspace its page showed. Sessions switch workspaces, and a tab opened
    /// before another tab switched would otherwise leave, rename or invite into the workspace switched to.
    /// Forms without the field (older pages, scripts) act on the current workspace, as before.
    func checkFormWorkspace(_ current: CurrentUser) throws {
        guard let sent = try? content.get(String.self, at: "workspace"), !sent.isEmpty,
              UUID(uuidString: sent) != current.organization.id else { return }
        throw APIError(.conflict, "workspace_changed",
                       "Nothing was changed: that page was for another workspace, and this browser has since switched to \u{201C}\(current.organization.name)\u{201D}. The page below is this workspace's; check it and try again.")
    }
}
