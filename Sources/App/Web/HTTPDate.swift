import Foundation

/// HTTP dates (RFC 9110 §5.6.7): sent as IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); read in
/// that form and in the two obsolete ones every recipient must accept.
enum HTTPDate {
    static func string(_ date: Date) -> String {
        formatter().string(from: date)
    }

    /// A date in IMF-fixdate, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) or asctime
    /// (`Sun Nov  6 08:49:37 1994`) form; nil for anything else.
    static func date(_ text: String, now: Date = Date()) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let date = formatter().date(from: text) { return date }
        if let date = DateFormatter.utc("EEEE, dd-MMM-yy HH:mm:ss 'GMT'").date(from: text) {
            return twoDigitYear(date, now: now)
        }
        // asctime pads a one-digit day with a space: "Nov  6".
        let single = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return DateFormatter.utc("EEE MMM d HH:mm:ss yyyy").date(from: single)
    }

    /// RFC 850's two-digit year is the most recent year with those digits that is not more than
    /// 50 years ahead (RFC 9110 §5.6.7).
    private static func twoDigitYear(_ parsed: Date, now: Date) -> Date {
        let calendar = DayLabel.utcCalendar
        let year = calendar.component(.year, from: parsed) % 100
        let current = calendar.component(.year, from: now)
        var full = current - current % 100 + year
        if full > current + 50 { full -= 100 }
        let shift = full - calendar.component(.year, from: parsed)
        return calendar.date(byAdding: .year, value: shift, to: parsed) ?? parsed
    }

    /// Seconds are the format's precision: a time with a fraction would never equal its own header.
    static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    private static func formatter() -> DateFormatter {
        DateFormatter.utc("EEE, dd MMM yyyy HH:mm:ss 'GMT'")
    }
}
