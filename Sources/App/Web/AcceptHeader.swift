import Vapor

/// An `Accept` header's media ranges and their weights (RFC 9110 §12.5.1): `q=0` means "not acceptable", and of two
/// ranges that match a type the more specific one gives its weight. A missing or empty header accepts anything.
struct AcceptHeader: Sendable {
    struct MediaRange: Sendable, Equatable {
        let type: String
        let subtype: String
        let quality: Double
    }

    let ranges: [MediaRange]

    init(_ value: String?) {
        ranges = (value ?? "").split(separator: ",").compactMap { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = parts.first?.lowercased().split(separator: "/", maxSplits: 1) ?? []
            guard name.count == 2, !name[0].isEmpty, !name[1].isEmpty else { return nil }
            // A weight that is not a number between 0 and 1 is not one: the range keeps the default.
            let weight = parts.dropFirst().first { $0.lowercased().hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) }
            let quality = weight.flatMap { (0...1).contains($0) ? $0 : nil } ?? 1
            return MediaRange(type: String(name[0]), subtype: String(name[1]), quality: quality)
        }
    }

    /// The weight given to `type/subtype` and how specific the range that gave it is (2 exact, 1 `type/*`, 0 `*/*`),
    /// or nil when no range names it. A header without ranges gives everything 1 at specificity 0.
    func preference(_ type: String, _ subtype: String) -> (quality: Double, specificity: Int)? {
        if ranges.isEmpty { return (1, 0) }
        var best: (quality: Double, specificity: Int)?
        for range in ranges {
            let specificity: Int
            if range.type == type && range.subtype == subtype {
                specificity = 2
            } else if range.type == type && range.subtype == "*" {
                specificity = 1
            } else if range.type == "*" && range.subtype == "*" {
                specificity = 0
            } else {
                continue
            }
            if best == nil || specificity > best!.specificity { best = (range.quality, specificity) }
        }
        return best
    }

    /// Whether `type/subtype` is acceptable, by any range.
    func accepts(_ type: String, _ subtype: String) -> Bool {
        (preference(type, subtype)?.quality ?? 0) > 0
    }

    /// Whether a range names `type/subtype` itself with a weight above 0: for answers a client must ask for by name
    /// (an event stream), which `*/*` alone does not.
    func names(_ type: String, _ subtype: String) -> Bool {
        guard let found = preference(type, subtype), found.specificity == 2 else { return false }
        return found.quality > 0
    }

    /// Whether `first` is preferred to `second`: a higher weight, or the same weight from a more specific range.
    func prefers(_ first: (String, String), to second: (String, String)) -> Bool {
        guard let one = preference(first.0, first.1), one.quality > 0 else { return false }
        guard let other = preference(second.0, second.1), other.quality > 0 else { return true }
        return one.quality > other.quality || (one.quality == other.quality && one.specificity > other.specificity)
    }
}
