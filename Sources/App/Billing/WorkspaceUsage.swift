import Core
import Fluent
import Foundation

/// What a workspace has used against each quota of its plan, read once for the dashboard and the billing page so
/// both show the numbers the checks enforce.
struct WorkspaceUsage: Sendable, Equatable {
    var servers: Int
    var draftsToday: Int
    var buildsToday: Int
    var toolCallsThisPeriod: Int = 0
    var templatePublishesThisPeriod: Int = 0
    /// The quota period the monthly figures count in (`QuotaPeriod`).
    var period: QuotaPeriod

    func bars(plan: Plan) -> [QuotaBar] {
        let span = "since \(QuotaPeriod.shortDate(period.start)), resets \(QuotaPeriod.shortDate(period.end))"
        return [
            QuotaBar(label: "Hosted servers", used: servers, limit: plan.maxServers, unit: "servers"),
            QuotaBar(label: "Drafts today", used: draftsToday, limit: plan.dailyDrafts, unit: "drafts"),
            QuotaBar(label: "Builds today", used: buildsToday, limit: plan.dailyBuilds, unit: "builds"),
            QuotaBar(label: "Tool calls this period (\(span))", used: toolCallsThisPeriod, limit: plan.monthlyToolCalls, unit: "calls"),
            QuotaBar(label: "Template publishes this period (\(span))", used: templatePublishesThisPeriod,
                     limit: plan.monthlyTemplatePublishes, unit: "publishes"),
        ]
    }
}

struct WorkspaceUsageQuery: Sendable {
    let database: any Database
    let now: Date

    /// Tool calls come from the daily rollup, so they include what was flushed (pages flush before reading).
    func load(organization: Organization) async throws -> WorkspaceUsage {
        let id = try organization.requireID()
        let usage = UsageService(database: database, now: now)
        let period = QuotaPeriod(renewedAt: organization.quotaPeriodStart, now: now)
        return WorkspaceUsage(
            servers: try await HostedServer.query(on: database).filter(\.$organization.$id == id).count(),
            draftsToday: try await usage.today(.draft, organization: id),
            buildsToday: try await usage.today(.build, organization: id),
            toolCallsThisPeriod: try await ToolCallDay.calls(organization: id, in: period, on: database),
            templatePublishesThisPeriod: try await TemplatePublishQuota(database: database, now: now).used(organization: id, in: period),
            period: period
        )
    }
}
