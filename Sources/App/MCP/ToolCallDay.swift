import Core
import Fluent
import Foundation
import SQLKit

/// A server's tool calls on one UTC day (see `CreateToolCallDays`), written by `CallRecorder` with the call log.
final class ToolCallDay: Model, @unchecked Sendable {
    static let schema = "tool_call_days"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @OptionalField(key: "server_id") var serverID: UUID?
    /// `yyyy-MM-dd`, UTC.
    @Field(key: "day") var day: String
    @Field(key: "calls") var calls: Int64
    @Field(key: "errors") var errors: Int64

    init() {}

    struct Total: Equatable {
        let organizationID: UUID
        let serverID: UUID
        let day: String
        var calls: Int
        var errors: Int
    }

    /// Records summed per server and day; every outcome but `ok` is an error, as the dashboard counts them.
    static func totals(_ records: some Sequence<ToolCallEntry>) -> [Total] {
        var totals: [String: Total] = [:]
        for record in records {
            let day = QuotaPeriod.dayString(record.at)
            let key = record.serverID.uuidString + day
            var total = totals[key] ?? Total(organizationID: record.organizationID, serverID: record.serverID, day: day, calls: 0, errors: 0)
            total.calls += 1
            total.errors += record.outcome == "ok" ? 0 : 1
            totals[key] = total
        }
        return totals.values.sorted { ($0.day, $0.serverID.uuidString) < ($1.day, $1.serverID.uuidString) }
    }

    /// Calls the workspace's servers answered in the period's days, deleted servers' included.
    static func calls(organization: UUID, in period: QuotaPeriod, on database: any Database) async throws -> Int {
        guard let sql = database as? any SQLDatabase else { return 0 }
        let row = try await sql.raw(callsQuery(organization: organization, firstDay: period.firstDay, lastDay: period.lastDay)).first()
        return try row?.decode(column: "calls", as: Int.self) ?? 0
    }

    /// What `calls(organization:in:on:)` reads; the index test plans this same statement.
    static func callsQuery(organization: UUID, firstDay: String, lastDay: String) -> SQLQueryString {
        """
        SELECT CAST(COALESCE(SUM(calls), 0) AS BIGINT) AS calls FROM tool_call_days
        WHERE organization_id = \(bind: organization) AND day >= \(bind: firstDay) AND day <= \(bind: lastDay)
        """
    }

    /// One server's totals on one day.
    struct ServerDay: Decodable, Equatable {
        let serverID: UUID
        let day: String
        let calls: Int
        let errors: Int

        enum CodingKeys: String, CodingKey {
            case serverID = "server_id", day, calls, errors
        }
    }

    /// The servers' totals on the days from `firstDay` to `lastDay` (`yyyy-MM-dd`, UTC), one
    /// row per server and day that had calls: the dashboard's today and the server list's sparklines.
    static func days(of servers: [UUID], from firstDay: String, to lastDay: String, on database: any Database) async throws -> [ServerDay] {
        guard !servers.isEmpty, let sql = database as? any SQLDatabase else { return [] }
        return try await sql.raw(daysQuery(servers: servers, firstDay: firstDay, lastDay: lastDay)).all(decoding: ServerDay.self)
    }

    /// What `days(of:from:to:on:)` reads; the index test plans this same statement.
    static func daysQuery(servers: [UUID], firstDay: String, lastDay: String) -> SQLQueryString {
        """
        SELECT server_id, day, calls, errors FROM tool_call_days
        WHERE server_id IN (\(binds: servers)) AND day >= \(bind: firstDay) AND day <= \(bind: lastDay)
        """
    }
}
