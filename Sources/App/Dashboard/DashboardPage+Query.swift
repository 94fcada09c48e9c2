import Core
import Fluent
import Foundation
import SQLKit

/// The overview's data: the workspace's servers with today's calls and errors, the
/// latest builds, and usage this month per day and today.
struct DashboardPageQuery: Sendable {
    struct Data: Sendable {
        let month: [(day: Int, drafts: Int, builds: Int)]
        let draftsToday: Int
        let buildsToday: Int
        let servers: [HostedServer]
        /// Calls and failed calls since midnight UTC, per server; absent means none.
        let callsToday: [UUID: (calls: Int, errors: Int)]
        let latestBuilds: [(build: Build, serverName: String)]
    }

    let database: any Database
    let hosting: HostingEnvironment
    let usage: UsageService

    static let buildCount = 5

    func load(organization: UUID) async throws -> Data {
        let servers = try await HostedServer.query(on: database).filter(\.$organization.$id == organization)
            .sort(\.$updatedAt, .descending).all()
        let builds = try await Build.query(on: database).filter(\.$organization.$id == organization)
            .sort(\.$createdAt, .descending).limit(Self.buildCount).all()
        let names = Dictionary(servers.map { ($0.id!, $0.name) }, uniquingKeysWith: { first, _ in first })
        return Data(
            month: try await usage.thisMonth(organization: organization),
            draftsToday: try await usage.today(.draft, organization: organization),
            buildsToday: try await usage.today(.build, organization: organization),
            servers: servers,
            callsToday: try await callsToday(servers.map { $0.id! }),
            latestBuilds: builds.map { ($0, names[$0.$server.id] ?? "Deleted server") }
        )
    }

    /// Today's row of each server's daily totals (`tool_call_days`, one per server and day), which
    /// pruning the call log leaves alone.
    private func callsToday(_ servers: [UUID]) async throws -> [UUID: (calls: Int, errors: Int)] {
        guard !servers.isEmpty else { return [:] }
        // Calls still waiting in the recorder's batch count too.
        try await hosting.calls.flush(on: database)
        let today = QuotaPeriod.dayString(usage.now)
        let rows = try await ToolCallDay.days(of: servers, from: today, to: today, on: database)
        return Dictionary(rows.map { ($0.serverID, ($0.calls, $0.errors)) }, uniquingKeysWith: { first, _ in first })
    }
}
