import Core
import Vapor

/// The signed-in home.
enum DashboardController {
    static func overview(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else {
            return req.redirect(to: SiteRoute.login.path + "?next=" + SiteRoute.dashboard.path, redirectType: .normal)
        }
        let view = DashboardView(
            settingsHref: SiteRoute.settings.path,
            adminHref: current.user.isAdmin ? SiteRoute.admin.path : nil,
            displayName: current.user.displayName,
            organizationName: current.organization.name,
            planName: PlanTable.plan(current.organization.planID).name,
            logoutAction: SiteRoute.logout.path,
            csrf: req.csrfToken(req.accounts.cookies),
            docsHref: SiteRoute.docsIndex.path
        )
        return try await AppShellBuilder.page(req, current, "dashboard", title: "Dashboard", active: .dashboard, view)
    }
}
