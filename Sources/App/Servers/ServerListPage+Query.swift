import Fluent
import Foundation

/// The server list's sparklines: calls per day over the last two weeks.
struct ServerListPageQuery: Sendable {
    let database: any Database
    let hosting: HostingEnvironment

    /// Calls per UTC day, oldest first, for each server over the last 14 days.
    func callsPerDay(_ servers: [UUID], now: Date) async throws -> [UUID: [Int]] {
        guard !servers.isEmpty else { return [:] }
        // Calls still waiting in the recorder's batch count too.
        try await hosting.calls.flush(on: database)
        let calendar = DayLabel.utcCalendar
        let today = calendar.startOfDay(for: now)
        let start = calendar.date(byAdding: .day, value: -(ServerListView.sparkDays - 1), to: today)!
        let calls = try await ToolCallRecord.query(on: database).filter(\.$server.$id ~~ servers).filter(\.$at >= start).all()
        var counts: [UUID: [Int]] = [:]
        for call in calls {
            let day = calendar.dateComponents([.day], from: start, to: call.at).day ?? 0
            guard (0..<ServerListView.sparkDays).contains(day) else { continue }
            counts[call.$server.id, default: [Int](repeating: 0, count: ServerListView.sparkDays)][day] += 1
        }
        return counts
    }
}
