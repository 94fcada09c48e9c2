struct ServerListView: Encodable {
    struct Row: Encodable {
        let href: String
        let name: String
        let slug: String
        let description: String
        let status: String
        let statusClass: String
        let created: String
        /// SVG polyline points of calls per day over the last 14 days.
        let sparkline: String
        let callsSummary: String
    }

    let servers: [Row]
    let newHref: String
    let notice: String?
}

extension ServerListView {
    static let sparkDays = 14

    static func callsSummary(_ total: Int) -> String {
        "\(total) call\(total == 1 ? "" : "s") in the last \(sparkDays) days"
    }

    /// Points for a 70×20 polyline; a flat line when there were no calls.
    static func sparkline(_ counts: [Int]) -> String {
        let values = counts.isEmpty ? [Int](repeating: 0, count: sparkDays) : counts
        let peak = max(1, values.max() ?? 0)
        return values.enumerated().map { index, value in
            "\(index * 70 / (sparkDays - 1)),\(19 - value * 18 / peak)"
        }.joined(separator: " ")
    }
}
