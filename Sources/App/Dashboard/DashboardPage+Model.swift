import Core
import Foundation

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
    /// A day of the month under the x axis, at its bar pair's position.
    struct Tick: Encodable {
        let x: Int
        let label: String
    }
    /// One day with any use, for the chart's text alternative (a table).
    struct Day: Encodable {
        let day: Int
        let drafts: Int
        let builds: Int
    }
    let width: Int
    let height: Int
    /// The whole drawing with room for the axis labels and titles: 38 units left, 32 below.
    let viewWidth: Int
    let viewHeight: Int
    let tickY: Int
    /// Where the axis titles sit: the x title centred under the ticks, the y title
    /// (turned a quarter left) centred beside the axis.
    let xTitleX: Int
    let xTitleY: Int
    let yTitleX: Int
    let xTitle: String
    let yTitle: String
    let bars: [Bar]
    let ticks: [Tick]
    /// The y axis' top value: the busiest day's count.
    let peak: Int
    let days: [Day]
    let summary: String
    let draftsToday: Int
    let draftsLimit: Int
    let buildsToday: Int
    let buildsLimit: Int
    let monthDrafts: Int
    let monthBuilds: Int
}

struct DashboardView: Encodable {
    struct ServerRow: Encodable {
        let href: String
        let name: String
        let status: String
        let statusClass: String
        let callsToday: Int
        let errorsToday: Int
    }

    struct BuildRow: Encodable {
        let serverName: String
        let href: String
        let status: String
        let statusClass: String
        let when: String
        /// "version 3" once the build made one.
        let outcome: String?
    }

    let usage: UsageChart
    let servers: [ServerRow]
    let builds: [BuildRow]
    let quotas: [QuotaBar]
    let newServerHref: String
    let serversHref: String
    let templatesHref: String
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

extension DashboardView {
    static func serverRows(_ data: DashboardPageQuery.Data) -> [ServerRow] {
        data.servers.map { server in
            let today = data.callsToday[server.id!]
            return ServerRow(href: SiteRoute.server(.value(server.id!)).path, name: server.name, status: server.status.label,
                             statusClass: "status-\(server.status.rawValue)", callsToday: today?.calls ?? 0,
                             errorsToday: today?.errors ?? 0)
        }
    }

    static func buildRows(_ data: DashboardPageQuery.Data) -> [BuildRow] {
        data.latestBuilds.map { build, serverName in
            BuildRow(serverName: serverName, href: SiteRoute.server(.value(build.$server.id)).path,
                     status: build.status.label, statusClass: build.status.badgeClass, when: TimeText.minute(build.createdAt),
                     outcome: build.versionNumber.map { "version \($0)" })
        }
    }
}

extension Build.Status {
    var label: String {
        switch self {
        case .queued: "Queued"
        case .running: "Running"
        case .succeeded: "Succeeded"
        case .failed: "Failed"
        }
    }

    /// The server status badge colours, reused.
    var badgeClass: String {
        switch self {
        case .queued, .running: "status-building"
        case .succeeded: "status-active"
        case .failed: "status-failed"
        }
    }
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
        let lastDay = month.count
        let ticks = [1, 8, 15, 22, lastDay].filter { $0 <= lastDay }.map { Tick(x: ($0 - 1) * step + barWidth, label: String($0)) }
        self.init(
            width: month.count * step, height: height, viewWidth: month.count * step + 42, viewHeight: height + 32,
            tickY: height + 13, xTitleX: month.count * step / 2, xTitleY: height + 28, yTitleX: -height / 2,
            xTitle: "Day of the month (UTC)", yTitle: "Count per day",
            bars: bars, ticks: ticks, peak: peak,
            days: month.filter { $0.drafts + $0.builds > 0 }.map { Day(day: $0.day, drafts: $0.drafts, builds: $0.builds) },
            summary: "This month: \(drafts) draft\(drafts == 1 ? "" : "s") and \(builds) build\(builds == 1 ? "" : "s").",
            draftsToday: draftsToday, draftsLimit: plan.dailyDrafts, buildsToday: buildsToday, buildsLimit: plan.dailyBuilds,
            monthDrafts: drafts, monthBuilds: builds
        )
    }
}
