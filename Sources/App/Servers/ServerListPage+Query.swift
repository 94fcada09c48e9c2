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
        guard !servers.isEmpty else { return [:] }
        // Calls still waiting in the recorder's batch count too.
        try await hosting.calls.flush(on: database)
        let calendar = DayLabel.utcCalendar
        let today = calendar.startOfDay(for: now)
        let days = (0..<ServerListView.sparkDays).map {
            QuotaPeriod.dayString(calendar.date(byAdding: .day, value: $0 - (ServerListView.sparkDays - 1), to: today)!)
        }
        let index = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        var counts: [UUID: [Int]] = [:]
        for row in try await ToolCallDay.days(of: servers, from: days[0], to: days[days.count - 1], on: database) {
            guard let day = index[row.day] else { continue }
            counts[row.serverID, default: [Int](repeating: 0, count: ServerListView.sparkDays)][day] += row.calls
        }
        return counts
    }
}
