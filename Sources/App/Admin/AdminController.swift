import Core
import Fluent
import Foundation
import Vapor

/// `/admin`: people and organizations, with search, and suspending an
/// organization. Hidden (404) from everyone who is not a platform administrator.
enum AdminController {
    struct SearchQuery: Content { var q: String? }

    struct PlanForm: Content { var plan: String? }

    static func page(_ req: Request) async throws -> Response {
        try await render(req, error: nil, status: .ok)
    }

    private static func render(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let admin = try req.requireUser()
        let search = (try? req.query.decode(SearchQuery.self).q)?.trimmingCharacters(in: .whitespaces) ?? ""
        let found = try await AdminPageQuery(database: req.db).load(search: search)
        let csrf = req.csrfToken(req.accounts.cookies)
        let plans = req.application.config.plans
        let view = AdminView(
            error: error,
            search: search,
            searchAction: SiteRoute.admin.path,
            csrf: csrf,
            templatesHref: SiteRoute.adminTemplates.path,
            platformAuditHref: SiteRoute.adminAudit.path,
            users: found.users.map { user in
                AdminView.UserRow(name: user.displayName, contact: user.email ?? user.phone ?? "", isAdmin: user.isAdmin,
                                  joined: user.createdAt.map(DayLabel.long) ?? "")
            },
            organizations: found.organizations.map { organization in
                AdminView.OrganizationRow(
                    name: organization.name,
                    owners: found.owners[organization.id!]?.joined(separator: ", ") ?? "none",
                    id: organization.id!.uuidString,
                    plan: plans.plan(for: organization).name,
                    isSuspended: organization.suspendedAt != nil,
                    action: SiteRoute.adminOrganization(.value(organization.id!), organization.suspendedAt == nil ? .suspend : .unsuspend).path,
                    billing: .init(organization, subscription: found.subscriptions[organization.id!], plans: plans)
                )
            },
            usersCut: Self.cut(found.users.count, of: found.userTotal, "people"),
            organizationsCut: Self.cut(found.organizations.count, of: found.organizationTotal, "workspaces"),
            planChoices: PlanID.allCases.map { AdminView.PlanChoice(id: $0.rawValue, name: PlanTable.plan($0).name) }
        )
        return try await AppShellBuilder.page(req, admin, "Admin/admin", title: "Admin", active: .admin, view, status: status)
    }

    /// Said when the list stops short of everything that matches.
    static func cut(_ shown: Int, of total: Int, _ noun: String) -> String? {
        shown < total ? "Showing the newest \(shown) of \(total) \(noun). Search by name, email or phone to find the others." : nil
    }

    /// Sets or clears the workspace's manual plan; a refused value shows the page again with the reason.
    static func setPlan(_ req: Request) async throws -> Response {
        let admin = try req.requireUser()
        let form = try req.content.decode(PlanForm.self)
        do {
            try await WorkspacePlanOverride(database: req.db, audit: req.auditLog(), plans: req.application.config.plans,
                                            hosting: req.application.hosting)
                .set(form.plan, organization: req.parameter(.organization, as: UUID.self), by: admin)
        } catch let error as APIError where error.code == "unknown_plan" {
            return try await render(req, error: error.reason, status: error.status).carrying(error)
        }
        return req.redirect(to: SiteRoute.admin.path, redirectType: .normal)
    }

    static func suspend(_ req: Request) async throws -> Response { try await setSuspended(req, true) }
    static func unsuspend(_ req: Request) async throws -> Response { try await setSuspended(req, false) }

    private static func setSuspended(_ req: Request, _ suspended: Bool) async throws -> Response {
        let admin = try req.requireUser()
        try await WorkspaceSuspension(database: req.db, now: req.application.clock.now(), audit: req.auditLog(), random: req.application.random,
                                    callers: req.application.callers)
            .set(suspended, organization: req.parameter(.organization, as: UUID.self), by: admin)
        return req.redirect(to: SiteRoute.admin.path, redirectType: .normal)
    }
}
