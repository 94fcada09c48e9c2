import Foundation

/// The one date format HTTP headers use (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7).
enum HTTPDate {
    static func string(_ date: Date) -> String {
        formatter().string(from: date)
    }

    /// A date in the preferred format; the obsolete RFC 850 and asctime forms are not accepted,
    /// so a client sending one gets a full answer instead of a 304.
    static func date(_ text: String) -> Date? {
        formatter().date(from: text.trimmingCharacters(in: .whitespaces))
    }

    /// Seconds are the format's precision: a time with a fraction would never equal its own header.
    static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    private static func formatter() -> DateFormatter {
        DateFormatter.utc("EEE, dd MMM yyyy HH:mm:ss 'GMT'")
    }
}
