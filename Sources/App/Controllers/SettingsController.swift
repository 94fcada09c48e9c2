import Core
import Fluent
import Foundation
import Vapor

/// `/settings`: profile, personal API tokens and the danger zone, as forms that
/// post and redirect (or re-render with the error and what was typed).
enum SettingsController {
    struct ProfileForm: Content { var displayName: String? }
    struct TokenForm: Content { var name: String?; var expiresInDays: String? }
    struct DeleteForm: Content { var confirm: String? }
    struct RenameForm: Content { var name: String? }
    struct InviteForm: Content { var email: String?; var role: String? }
    struct SwitchForm: Content { var organization: String? }

    static func page(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else {
            return req.redirectToSignIn(returningTo: .settings)
        }
        let notice: String? = switch req.query[String.self, at: "saved"] {
        case "profile": "Profile saved."
        case "revoked": "Token revoked."
        case "renamed": "Workspace renamed."
        case "invited": "Invitation sent."
        case "removed": "Member removed."
        case "switched": "Switched workspace."
        default: nil
        }
        return try await render(req, current, notice: notice)
    }

    static func saveProfile(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(ProfileForm.self)
        do {
            try await AccountAPIController.updateDisplayName(form.displayName ?? "", for: current, req)
        } catch let error as APIError {
            return try await render(req, current, error: error.reason, status: .unprocessableEntity)
        }
        return req.redirect(to: SiteRoute.settings.path + "?saved=profile", redirectType: .normal)
    }

    static func createToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(TokenForm.self)
        let days = form.expiresInDays.flatMap { $0.isEmpty ? nil : Int($0) }
        do {
            let (_, secret) = try await req.tokenService().create(name: form.name ?? "", expiresInDays: days, for: current)
            // Rendered, not redirected: the secret must appear exactly once and never in a URL.
            return try await render(req, current, newToken: secret)
        } catch let error as APIError {
            return try await render(req, current, error: error.reason, status: .unprocessableEntity)
        }
    }

    static func revokeToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw APIError(.notFound, "not_found", "No such token.") }
        _ = try await req.tokenService().revoke(id: id, for: current)
        return req.redirect(to: SiteRoute.settings.path + "?saved=revoked", redirectType: .normal)
    }

    static func deleteAccount(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(DeleteForm.self)
        do {
            try await AccountAPIController.performDeletion(req, current, confirm: form.confirm ?? "")
        } catch let error as APIError {
            return try await render(req, current, error: error.reason, status: error.status)
        }
        let response = req.redirect(to: SiteRoute.home.path, redirectType: .normal)
        req.accounts.cookies.clearSignIn(on: response)
        return response.noStore()
    }

    static func renameWorkspace(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(RenameForm.self)
        return try await orRender(req, current, then: "renamed") {
            try await organizations(req).rename(current, to: form.name ?? "")
        }
    }

    static func invite(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(InviteForm.self)
        return try await orRender(req, current, then: "invited") {
            let email: EmailAddress
            do { email = try EmailAddress.parse(form.email ?? "") } catch let error as EmailAddressError { throw APIError(.badRequest, error.code, error.message) }
            try await organizations(req).invite(current, email: email, role: form.role == "owner" ? .owner : .member,
                                                publicURL: req.accounts.publicURL, mailer: req.accounts.mailer)
        }
    }

    static func removeMember(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw APIError(.notFound, "not_found", "No such member.") }
        return try await orRender(req, current, then: "removed") {
            try await organizations(req).remove(current, memberID: id)
        }
    }

    /// Makes another of the person's workspaces the current one for this session.
    static func switchWorkspace(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(SwitchForm.self)
        guard let session = current.session, let id = form.organization.flatMap(UUID.init(uuidString:)),
              try await Membership.query(on: req.db).filter(\.$user.$id == current.user.id!).filter(\.$organization.$id == id).count() == 1
        else { throw APIError(.notFound, "not_found", "No such workspace.") }
        session.$organization.id = id
        try await session.save(on: req.db)
        return req.redirect(to: SiteRoute.settings.path + "?saved=switched", redirectType: .normal)
    }

    private static func organizations(_ req: Request) -> OrganizationService {
        OrganizationService(database: req.db, now: req.application.clock.now(), audit: AuditLog(request: req))
    }

    /// Runs a change and redirects with a notice, or re-renders the page with its error.
    private static func orRender(_ req: Request, _ current: CurrentUser, then notice: String, _ change: () async throws -> Void) async throws -> Response {
        do {
            try await change()
        } catch let error as APIError {
            return try await render(req, current, error: error.reason, status: error.status)
        }
        return req.redirect(to: SiteRoute.settings.path + "?saved=" + notice, redirectType: .normal)
    }

    private static func render(
        _ req: Request, _ current: CurrentUser, newToken: String? = nil, notice: String? = nil,
        error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let tokens = try await req.tokenService().list(for: current)
        let service = organizations(req)
        let isOwner = (try? await service.membership(current))?.role == Membership.Role.owner.rawValue
        let memberships = try await Membership.query(on: req.db).filter(\.$user.$id == current.user.id!).with(\.$organization).all()
        let workspace = WorkspaceSection(
            isOwner: isOwner,
            renameAction: SiteRoute.settings.path + "/workspace",
            inviteAction: SiteRoute.settings.path + "/members",
            switchAction: SiteRoute.settings.path + "/workspace/switch",
            members: try await service.members(of: current.organization.id!).map { member in
                let isYou = member.$user.id == current.user.id
                return WorkspaceSection.Member(
                    name: member.user.displayName, contact: member.user.email ?? member.user.phone ?? "", role: member.role, isYou: isYou,
                    removeAction: isOwner && !isYou ? SiteRoute.settings.path + "/members/" + member.id!.uuidString + "/remove" : nil
                )
            },
            pending: isOwner ? try await service.pendingInvitations(of: current.organization.id!).map {
                WorkspaceSection.Pending(email: $0.email, role: $0.role, expires: day($0.expiresAt))
            } : [],
            choices: memberships.map {
                WorkspaceSection.Choice(id: $0.organization.id!.uuidString, name: $0.organization.name, isCurrent: $0.organization.id == current.organization.id)
            },
            canSwitch: memberships.count > 1 && current.session != nil
        )
        let usage = UsageService(database: req.db, now: req.application.clock.now())
        let plan = PlanTable.plan(current.organization.planID)
        let planSection = PlanSection(
            name: plan.name,
            limits: PlanPresentation.card(plan).limits,
            draftsToday: try await usage.today(.draft, organization: current.organization.id!),
            draftsLimit: plan.dailyDrafts,
            buildsToday: try await usage.today(.build, organization: current.organization.id!),
            buildsLimit: plan.dailyBuilds,
            pricingHref: SiteRoute.pricing.path
        )
        let view = SettingsView(
            csrf: req.csrfToken(req.accounts.cookies),
            displayName: current.user.displayName,
            email: current.user.email,
            phone: current.user.phone,
            organizationName: current.organization.name,
            planName: PlanTable.plan(current.organization.planID).name,
            profileAction: SiteRoute.settings.path + "/profile",
            tokenAction: SiteRoute.settings.path + "/tokens",
            deleteAction: SiteRoute.settings.path + "/delete",
            exportHref: "/v1/account/export",
            tokens: tokens.map { token in
                SettingsView.Token(
                    id: token.id!.uuidString, name: token.name, hint: "…" + token.hint, created: day(token.createdAt),
                    lastUsed: token.lastUsedAt.map(day) ?? "Never", expires: token.expiresAt.map(day) ?? "Never",
                    revokeAction: SiteRoute.settings.path + "/tokens/" + token.id!.uuidString + "/revoke"
                )
            },
            newToken: newToken,
            notice: notice,
            error: error,
            confirmHint: current.user.email ?? current.user.phone ?? "",
            workspace: workspace,
            plan: planSection,
            connectedApps: try await ConnectedApps.list(req, current).map { grant in
                ConnectedApp(client: grant.client, server: grant.server, scopes: grant.scope, created: day(grant.created),
                             lastUsed: grant.lastUsed.map(day) ?? "Never", revokeAction: SiteRoute.settings.path + "/connected-apps/" + grant.id.uuidString + "/revoke")
            }
        )
        return try await AppShellBuilder.page(req, current, "settings", title: "Settings", active: .settings, view, status: status)
    }

    private static func day(_ date: Date) -> String {
        ChangelogController.dayLabel(date)
    }
}
