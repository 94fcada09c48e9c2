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
        let row = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(calls), 0) AS BIGINT) AS calls FROM tool_call_days
            WHERE organization_id = \(bind: organization) AND day >= \(bind: period.firstDay) AND day <= \(bind: period.lastDay)
            """).first()
        return try row?.decode(column: "calls", as: Int.self) ?? 0
    }
}
