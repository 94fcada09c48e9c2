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
