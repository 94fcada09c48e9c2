import Core
import Fluent
import Foundation
import SQLKit

/// The server list's sparklines: calls per day over the last two weeks.
struct ServerListPageQuery: Sendable {
    let database: any Database
    let hosting: HostingEnvironment

    /// Calls per UTC day, oldest first, for each server over the last 14 days, from the daily totals
    /// (`tool_call_days`): one row per server and day however many calls it answered, and the same
    /// after the call log was pruned (`CallLogPruning`).
    func callsPerDay(_ servers: [UUID], now: Date) async throws -> [UUID: [Int]] {
        guard !servers.isEmpty, let sql = database as? any SQLDatabase else { return [:] }
        // Calls still waiting in the recorder's batch count too.
        try await hosting.calls.flush(on: database)
        let calendar = DayLabel.utcCalendar
        let today = calendar.startOfDay(for: now)
        let days = (0..<ServerListView.sparkDays).map {
            QuotaPeriod.dayString(calendar.date(byAdding: .day, value: $0 - (ServerListView.sparkDays - 1), to: today)!)
        }
        let index = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        struct Row: Decodable {
            let server_id: UUID
            let day: String
            let calls: Int
        }
        let rows = try await sql.raw("""
            SELECT server_id, day, calls FROM tool_call_days
            WHERE server_id IN (\(binds: servers)) AND day >= \(bind: days[0]) AND day <= \(bind: days[days.count - 1])
            """).all(decoding: Row.self)
        var counts: [UUID: [Int]] = [:]
        for row in rows {
            guard let day = index[row.day] else { continue }
            counts[row.server_id, default: [Int](repeating: 0, count: ServerListView.sparkDays)][day] += row.calls
        }
        return counts
    }
}
