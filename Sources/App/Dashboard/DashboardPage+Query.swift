import Foundation

/// The overview's usage: this month per day, and today.
struct DashboardPageQuery: Sendable {
    struct Data: Sendable {
        let month: [(day: Int, drafts: Int, builds: Int)]
        let draftsToday: Int
        let buildsToday: Int
    }

    let usage: UsageService

    func load(organization: UUID) async throws -> Data {
        Data(
            month: try await usage.thisMonth(organization: organization),
            draftsToday: try await usage.today(.draft, organization: organization),
            buildsToday: try await usage.today(.build, organization: organization)
        )
    }
}
