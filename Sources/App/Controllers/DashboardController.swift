import Core
import Vapor

/// The signed-in home.
enum DashboardController {
    static func overview(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else {
            return req.redirectToSignIn(returningTo: .dashboard)
        }
        let usage = UsageService(database: req.db, now: req.application.clock.now())
        let plan = PlanTable.plan(current.organization.planID)
        let month = try await usage.thisMonth(organization: current.organization.id!)
        let view = DashboardView(
            usage: chart(month, plan: plan,
                         draftsToday: try await usage.today(.draft, organization: current.organization.id!),
                         buildsToday: try await usage.today(.build, organization: current.organization.id!)),
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

    /// Two bars per day (drafts, builds), scaled to the month's busiest day.
    static func chart(_ month: [(day: Int, drafts: Int, builds: Int)], plan: Plan, draftsToday: Int, buildsToday: Int) -> UsageChart {
        let step = 12, barWidth = 5, height = 80
        let peak = max(1, month.map { max($0.drafts, $0.builds) }.max() ?? 0)
        var bars: [UsageChart.Bar] = []
        for entry in month {
            for (offset, kind, value) in [(0, "draft", entry.drafts), (barWidth + 1, "build", entry.builds)] where value > 0 {
                let barHeight = max(2, value * height / peak)
                bars.append(.init(x: (entry.day - 1) * step + offset, y: height - barHeight, height: barHeight, kind: kind,
                                  label: "Day \(entry.day): \(value) \(kind)\(value == 1 ? "" : "s")"))
            }
        }
        let drafts = month.reduce(0) { $0 + $1.drafts }, builds = month.reduce(0) { $0 + $1.builds }
        return UsageChart(
            width: month.count * step, height: height, bars: bars,
            summary: "This month: \(drafts) draft\(drafts == 1 ? "" : "s") and \(builds) build\(builds == 1 ? "" : "s").",
            draftsToday: draftsToday, draftsLimit: plan.dailyDrafts, buildsToday: buildsToday, buildsLimit: plan.dailyBuilds,
            monthDrafts: drafts, monthBuilds: builds
        )
    }
}
