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

    static func page(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else {
            return req.redirect(to: SiteRoute.login.path + "?next=" + SiteRoute.settings.path, redirectType: .normal)
        }
        let notice: String? = switch req.query[String.self, at: "saved"] {
        case "profile": "Profile saved."
        case "revoked": "Token revoked."
        default: nil
        }
        return try await render(req, current, notice: notice)
    }

    static func saveProfile(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(ProfileForm.self)
        do {
            current.user.displayName = try AccountAPIController.validDisplayName(form.displayName ?? "")
        } catch let error as APIError {
            return try await render(req, current, error: error.reason, status: .unprocessableEntity)
        }
        try await current.user.save(on: req.db)
        try await AuditLog(request: req).record("account.profile_updated", organization: current.organization.id, actor: current.user.id,
                                                resourceType: "user", resourceID: current.user.id?.uuidString)
        return req.redirect(to: SiteRoute.settings.path + "?saved=profile", redirectType: .normal)
    }

    static func createToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(TokenForm.self)
        let days = form.expiresInDays.flatMap { $0.isEmpty ? nil : Int($0) }
        do {
            let (token, secret) = try await APITokenService(database: req.db, now: req.application.clock.now())
                .create(name: form.name ?? "", expiresInDays: days, for: current)
            try await AuditLog(request: req).record("token.created", organization: current.organization.id, actor: current.user.id,
                                                    resourceType: "api_token", resourceID: token.id?.uuidString, metadata: ["name": token.name])
            // Rendered, not redirected: the secret must appear exactly once and never in a URL.
            return try await render(req, current, newToken: secret)
        } catch let error as APIError {
            return try await render(req, current, error: error.reason, status: .unprocessableEntity)
        }
    }

    static func revokeToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw APIError(.notFound, "not_found", "No such token.") }
        let token = try await APITokenService(database: req.db, now: req.application.clock.now()).revoke(id: id, for: current)
        try await AuditLog(request: req).record("token.revoked", organization: current.organization.id, actor: current.user.id,
                                                resourceType: "api_token", resourceID: token.id?.uuidString, metadata: ["name": token.name])
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
        response.cookies[req.accounts.cookies.session] = req.accounts.cookies.expired()
        response.cookies[AuthCookies.hint] = req.accounts.cookies.expired()
        return response.noStore()
    }

    private static func render(
        _ req: Request, _ current: CurrentUser, newToken: String? = nil, notice: String? = nil,
        error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let tokens = try await APITokenService(database: req.db, now: req.application.clock.now()).list(for: current)
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
            confirmHint: current.user.email ?? current.user.phone ?? ""
        )
        return try await AppShellBuilder.page(req, current, "settings", title: "Settings", active: .settings, view, status: status)
    }

    private static func day(_ date: Date) -> String {
        ChangelogController.dayLabel(date)
    }
}
