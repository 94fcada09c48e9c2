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

    /// The UTC day of `date` as `yyyy-MM-dd`. Worked out from the day number (proleptic Gregorian, Howard
    /// Hinnant's civil-from-days) rather than through `Calendar` and `String(format:)`: every recorded tool
    /// call is summed into its day's rollup row, and that pair cost more than the rest of the sum.
    public static func dayString(_ date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let shifted = days + 719_468  // days from 0000-03-01, the start of a 400-year era
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// "15 Nov": how pages name the period's ends.
    public static func shortDate(_ date: Date) -> String {
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = calendar.dateComponents([.month, .day], from: date)
        return "\(parts.day!) \(names[parts.month! - 1])"
    }
}
