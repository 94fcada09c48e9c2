import Foundation

struct ChangelogEntry: Sendable {
    let anchor: String
    let title: String
    let description: String
    /// Midnight UTC of the entry's day.
    let date: Date
    let tags: [String]
    let markdown: Substring

    static func parseDate(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { return nil }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        guard components.isValidDate, let date = components.date else { return nil }
        return date
    }
}

struct LegalDocument: Sendable {
    let title: String
    let description: String
    let language: String
    let markdown: Substring
}
