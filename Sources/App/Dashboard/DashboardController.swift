import Core
import Vapor

/// The signed-in home.
enum DashboardController {
    static func overview(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let plan = current.plan
        let now = req.application.clock.now()
        let data = try await DashboardPageQuery(database: req.db, hosting: req.application.hosting,
                                                usage: UsageService(database: req.db, now: now))
            .load(organization: current.organization.id!)
        let usage = try await WorkspaceUsageQuery(database: req.db, now: now).load(organization: current.organization)
        let view = DashboardView(
            usage: UsageChart(data, plan: plan),
            servers: DashboardView.serverRows(data),
            builds: DashboardView.buildRows(data),
            quotas: usage.bars(plan: plan),
            newServerHref: SiteRoute.newServer.path,
            serversHref: SiteRoute.servers.path,
            templatesHref: SiteRoute.templates.path,
            settingsHref: SiteRoute.settings.path,
            adminHref: current.user.isAdmin ? SiteRoute.admin.path : nil,
            displayName: current.user.displayName,
            organizationName: current.organization.name,
            planName: plan.name,
            logoutAction: SiteRoute.logout.path,
            csrf: req.csrfToken(req.accounts.cookies),
            docsHref: SiteRoute.docsIndex.path
        )
        return try await AppShellBuilder.page(req, current, "Dashboard/dashboard", title: "Dashboard", active: .dashboard, view)
    }
}
