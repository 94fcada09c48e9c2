import Core
import Foundation

/// `/templates`: tabs, category filter, search, cards and pages, all plain links and a
/// GET form, so it works without JavaScript and crawlers follow every page.
struct TemplatesPageView: Encodable {
    struct Card: Encodable {
        let href: String
        let title: String
        let summary: String
        let category: String
        let categoryHref: String
        let forks: String
        let activeDeployments: String
        let author: String
        let verified: Bool
        let updated: String
        let updatedISO: String
        /// "Hidden", "Draft", "Taken down" on the Mine view; nil for public templates.
        let statusBadge: String?
        let statusClass: String
    }

    struct SearchForm: Encodable {
        let action: String
        let query: String
        /// Hidden fields that keep the tab, category and view while searching.
        let hidden: [HiddenField]
    }

    struct HiddenField: Encodable {
        let name: String
        let value: String
    }

    let heading: String
    let lede: String
    /// All | Mine, for signed-in visitors only.
    let views: [Link]
    let tabs: [Link]
    let categories: [Link]
    let search: SearchForm
    let cards: [Card]
    let isMine: Bool
    /// Set when nothing matched a search or filter: what was asked and the way back.
    let noResults: String?
    let clearHref: String
    /// Set when there are no templates at all yet.
    let isEmpty: Bool
    let nextHref: String?
    let firstHref: String?
    let createHref: String
}

/// The query parameters of `/templates`, printed the one canonical way.
struct TemplatesPageState: Equatable {
    var sort: TemplateSort = .trending
    var category: TemplateCategory?
    var q = ""
    var mine = false
    var cursor: String?

    func href() -> String {
        var items: [(String, String)] = []
        if mine { items.append(("view", "mine")) }
        if sort != .trending { items.append(("sort", sort.rawValue)) }
        if let category { items.append(("category", category.rawValue)) }
        if !q.isEmpty { items.append(("q", q)) }
        if let cursor { items.append(("cursor", cursor)) }
        return SiteRoute.templates.path(QueryString(items))
    }

    func with(_ change: (inout TemplatesPageState) -> Void) -> TemplatesPageState {
        var copy = self
        change(&copy)
        return copy
    }
}

extension TemplatesPageView.Card {
    init(_ card: TemplateCard, dates: DateFormatter, showsStatus: Bool) {
        href = SiteRoute.template(.value(card.slug)).path
        title = card.title
        summary = card.summary
        category = card.category.label
        categoryHref = TemplatesPageState(category: card.category).href()
        forks = Self.count(card.forks, "fork")
        activeDeployments = Self.count(card.activeDeployments, "active deployment")
        author = card.author
        verified = card.verified
        updated = dates.string(from: card.updatedAt)
        updatedISO = ISO8601DateFormatter().string(from: card.updatedAt)
        statusBadge = showsStatus || card.status != .public ? card.status.label : nil
        statusClass = "template-status-\(card.status.rawValue)"
    }

    static func count(_ value: Int, _ noun: String) -> String {
        "\(value) \(noun)\(value == 1 ? "" : "s")"
    }
}
