import Core

/// The month's usage as an SVG bar chart, laid out in Swift so the template only
/// places rectangles (no inline styles: the CSP allows none).
struct UsageChart: Encodable {
    struct Bar: Encodable {
        let x: Int
        let y: Int
        let height: Int
        let kind: String
        let label: String
    }
    let width: Int
    let height: Int
    let bars: [Bar]
    let summary: String
    let draftsToday: Int
    let draftsLimit: Int
    let buildsToday: Int
    let buildsLimit: Int
    let monthDrafts: Int
    let monthBuilds: Int
}

struct DashboardView: Encodable {
    let usage: UsageChart
    let settingsHref: String
    /// Only for platform administrators.
    let adminHref: String?
    let displayName: String
    let organizationName: String
    let planName: String
    let logoutAction: String
    let csrf: String
    let docsHref: String
}

extension UsageChart {
    /// Two bars per day (drafts, builds), scaled to the month's busiest day.
    init(_ usage: DashboardPageQuery.Data, plan: Plan) {
        let (month, draftsToday, buildsToday) = (usage.month, usage.draftsToday, usage.buildsToday)
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
        self.init(
            width: month.count * step, height: height, bars: bars,
            summary: "This month: \(drafts) draft\(drafts == 1 ? "" : "s") and \(builds) build\(builds == 1 ? "" : "s").",
            draftsToday: draftsToday, draftsLimit: plan.dailyDrafts, buildsToday: buildsToday, buildsLimit: plan.dailyBuilds,
            monthDrafts: drafts, monthBuilds: builds
        )
    }
}
