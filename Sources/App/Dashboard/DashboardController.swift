import Core
import Vapor

/// The signed-in home.
enum DashboardController {
    static func overview(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let usage = try await DashboardPageQuery(usage: UsageService(database: req.db, now: req.application.clock.now()))
            .load(organization: current.organization.id!)
        let view = DashboardView(
            usage: UsageChart(usage, plan: PlanTable.plan(current.organization.planID)),
            settingsHref: SiteRoute.settings.path,
            adminHref: current.user.isAdmin ? SiteRoute.admin.path : nil,
            displayName: current.user.displayName,
            organizationName: current.organization.name,
            planName: PlanTable.plan(current.organization.planID).name,
            logoutAction: SiteRoute.logout.path,
            csrf: req.csrfToken(req.accounts.cookies),
            docsHref: SiteRoute.docsIndex.path
        )
        return try await AppShellBuilder.page(req, current, "Dashboard/dashboard", title: "Dashboard", active: .dashboard, view)
    }
}
