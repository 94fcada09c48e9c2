import Foundation

/// The stretch of time monthly quotas (tool calls, template publishes) count in. A paid renewal starts a period
/// (the webhook stores it as `quota_period_start`), so a paying workspace's quota follows its billing month;
/// without one — free plans, billing off, yearly plans between renewals — the period is the UTC calendar month.
public struct QuotaPeriod: Sendable, Equatable {
    public let start: Date
    public let end: Date

    /// A renewal older than this no longer names the period: the subscription lapsed or bills yearly.
    public static let renewalLifetime: TimeInterval = 35 * 86_400

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// The period `now` falls in. A renewal one month old whose successor is late (a payment retried) keeps its
    /// period open until the renewal lifetime ends, rather than giving a fresh quota before anything was paid.
    public init(renewedAt: Date?, now: Date) {
        if let renewedAt, renewedAt <= now, now.timeIntervalSince(renewedAt) <= Self.renewalLifetime {
            let monthLater = Self.calendar.date(byAdding: .month, value: 1, to: renewedAt)!
            self.init(start: renewedAt, end: now < monthLater ? monthLater : renewedAt.addingTimeInterval(Self.renewalLifetime))
            return
        }
        let month = Self.calendar.dateInterval(of: .month, for: now)!
        self.init(start: month.start, end: month.end)
    }

    public func contains(_ date: Date) -> Bool { date >= start && date < end }

    /// Whole seconds from `now` to the end, at least one (a `Retry-After`).
    public func secondsLeft(from now: Date) -> Int { max(1, Int(end.timeIntervalSince(now).rounded(.up))) }

    /// The UTC days (`yyyy-MM-dd`) the period touches, first and last: the rollup's rows are per day.
    public var firstDay: String { Self.dayString(start) }
    public var lastDay: String { Self.dayString(end.addingTimeInterval(-1)) }

    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    public static func dayString(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// "15 Nov": how pages name the period's ends.
    public static func shortDate(_ date: Date) -> String {
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = calendar.dateComponents([.month, .day], from: date)
        return "\(parts.day!) \(names[parts.month! - 1])"
    }
}
