import Foundation

/// How pages write a time: one spelling on every page, in UTC (the clock quotas reset by), never the server's
/// locale. A day is "7 Dec 2026"; a moment "7 Dec 2026, 09:15 UTC", with seconds where they tell events apart
/// (the audit log). Rows of a call log, under a "Time (UTC)" header, are "7 Dec 09:15:02", as the live rows the
/// page's script adds (`Public/js/server-live.js`).
enum TimeText {
    static func day(_ date: Date) -> String {
        DateFormatter.utc("d MMM yyyy").string(from: date)
    }

    static func minute(_ date: Date) -> String {
        DateFormatter.utc("d MMM yyyy, HH:mm").string(from: date) + " UTC"
    }

    static func second(_ date: Date) -> String {
        DateFormatter.utc("d MMM yyyy, HH:mm:ss").string(from: date) + " UTC"
    }

    static func logRow(_ date: Date) -> String {
        DateFormatter.utc("d MMM HH:mm:ss").string(from: date)
    }
}
