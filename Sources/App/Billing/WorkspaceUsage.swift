import Core
import Fluent
import Foundation

/// What a workspace has used against each quota of its plan, read once for the dashboard and the billing page so
/// both show the numbers the checks enforce.
struct WorkspaceUsage: Sendable, Equatable {
    var servers: Int
    var draftsToday: Int
    var buildsToday: Int

    func bars(plan: Plan) -> [QuotaBar] {
        [
            QuotaBar(label: "Hosted servers", used: servers, limit: plan.maxServers, unit: "servers"),
            QuotaBar(label: "Drafts today", used: draftsToday, limit: plan.dailyDrafts, unit: "drafts"),
            QuotaBar(label: "Builds today", used: buildsToday, limit: plan.dailyBuilds, unit: "builds"),
        ]
    }
}

struct WorkspaceUsageQuery: Sendable {
    let database: any Database
    let now: Date

    func load(organization: Organization) async throws -> WorkspaceUsage {
        let id = try organization.requireID()
        let usage = UsageService(database: database, now: now)
        return WorkspaceUsage(
            servers: try await HostedServer.query(on: database).filter(\.$organization.$id == id).count(),
            draftsToday: try await usage.today(.draft, organization: id),
            buildsToday: try await usage.today(.build, organization: id)
        )
    }
}
