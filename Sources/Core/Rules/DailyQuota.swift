import Foundation

/// A plan's allowance per UTC day (drafts, builds) against what an organization
/// used today. Resets at 00:00 UTC, as the pricing page says.
public struct DailyQuota: Sendable, Equatable {
    public enum Resource: String, Sendable, CaseIterable {
        case drafts, builds
    }

    public let resource: Resource
    public let plan: Plan
    public let usedToday: Int
    public let now: Date

    public init(_ resource: Resource, plan: Plan, usedToday: Int, now: Date) {
        self.resource = resource
        self.plan = plan
        self.usedToday = usedToday
        self.now = now
    }

    public var limit: Int {
        switch resource {
        case .drafts: plan.dailyDrafts
        case .builds: plan.dailyBuilds
        }
    }

    public var remaining: Int { max(0, limit - usedToday) }

    public var resetsAt: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: now))!
    }

    /// Throws once nothing is left today.
    public func check() throws(QuotaExceeded) {
        guard remaining == 0 else { return }
        throw QuotaExceeded(quota: self)
    }
}

/// 429 `quota_exceeded` with the wait until the reset.
public struct QuotaExceeded: RuleViolation, Equatable {
    public let quota: DailyQuota

    public var retryAfterSeconds: Int { max(1, Int(quota.resetsAt.timeIntervalSince(quota.now).rounded(.up))) }
    public var kind: RuleViolationKind { .exhausted(retryAfterSeconds: retryAfterSeconds) }
    public var code: String { "quota_exceeded" }

    public var message: String {
        let seconds = retryAfterSeconds
        let hours = seconds / 3600, minutes = (seconds % 3600) / 60
        let wait = hours > 0 ? "\(hours) h \(minutes) min" : "\(max(1, minutes)) min"
        return "You have used all \(quota.limit) \(quota.resource.rawValue) for today on the \(quota.plan.name) plan. "
            + "The quota resets at 00:00 UTC (in \(wait))."
    }
}
