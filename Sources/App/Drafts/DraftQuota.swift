import Core
import Foundation
import Vapor

/// The daily draft quota from the plan table; resets at 00:00 UTC.
struct DraftQuota: Sendable {
    let plan: Plan
    let usedToday: Int
    let now: Date

    var remaining: Int { max(0, plan.dailyDrafts - usedToday) }

    var resetsAt: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: now))!
    }

    func enforce() throws {
        guard remaining == 0 else { return }
        let seconds = max(1, Int(resetsAt.timeIntervalSince(now).rounded(.up)))
        let hours = seconds / 3600, minutes = (seconds % 3600) / 60
        let wait = hours > 0 ? "\(hours) h \(minutes) min" : "\(max(1, minutes)) min"
        throw APIError(.tooManyRequests, "quota_exceeded",
                       "You have used all \(plan.dailyDrafts) drafts for today on the \(plan.name) plan. The quota resets at 00:00 UTC (in \(wait)).",
                       headers: ["Retry-After": String(seconds)])
    }
}
