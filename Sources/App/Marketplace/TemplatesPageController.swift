import Core
import Foundation
import Vapor

/// `/templates`: the marketplace listing, server-rendered for everyone; signed-in
/// visitors also get their workspace's templates ("Mine", every status).
enum TemplatesPageController {
    static func list(_ req: Request) async throws -> Response {
        let current = req.currentUser
        var state = TemplatesPageState()
        state.mine = req.query[String.self, at: "view"] == "mine"
        if state.mine && current == nil {
            return req.redirectToSignIn(next: SiteRoute.templates.path(QueryString([("view", "mine")])))
        }
        // An old or mistyped link (`?sort=bogus`, a category since renamed) opens the listing without what it
        // cannot read, rather than an error page; the API still answers such a parameter 400.
        let unreadable = ["sort", "category"].filter { name in
            guard let value = req.queryText(name), !value.isEmpty else { return false }
            return name == "sort" ? TemplateSort(rawValue: value) == nil : TemplateCategory(rawValue: value) == nil
        }
        if !unreadable.isEmpty {
            let kept = FormBody.pairs(req.url.query ?? "").filter { !unreadable.contains($0.0) && $0.0 != "cursor" }
            return req.redirect(to: SiteRoute.templates.path(QueryString(kept)), redirectType: .normal)
        }
        let query = try TemplateListing.Query(
            sort: req.queryText("sort"), category: req.queryText("category"),
            q: req.queryText("q"), cursor: req.queryText("cursor"),
            scope: state.mine ? .workspace(current!.organization.id!) : .everyone
        )
        state.sort = query.sort
        state.category = query.category
        state.q = String((req.queryText("q") ?? "").prefix(200))
        state.cursor = query.cursor?.text
        let page = try await TemplateListing(database: req.db, now: req.application.clock.now()).page(query)
        let view = makeView(state, page: page, signedIn: current != nil)

        let site = req.site
        let base = site.meta(title: title(state), description: description(state), route: .templates)
        let canonical = site.baseURL + state.with { $0.q = ""; $0.mine = false }.href()
        let meta = PageMeta(
            title: base.title, description: base.description, canonicalURL: canonical, openGraphType: base.openGraphType,
            openGraphImageURL: base.openGraphImageURL, language: base.language,
            jsonLD: [JSONLD.breadcrumbs([("Templates", site.url(.templates))])],
            // Search results and someone's own list are not pages to index.
            noIndex: !query.search.isEmpty || state.mine, scripts: [], feedHref: base.feedHref
        )
        var layout = site.layout(meta, current: .templates)
        if let current {
            layout.app = AppShellBuilder.shell(req, current, active: .templates)
            return try await req.renderHTML("Marketplace/templates", Page(layout: layout, page: view)).noStore()
        }
        let response = try await req.renderHTML("Marketplace/templates", Page(layout: layout, page: view))
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        // Signed in, the same address answers with the app's navigation: a copy kept from before
        // signing in must not be shown after it.
        response.headers.addVary("Cookie")
        return response
    }

    static func makeView(_ state: TemplatesPageState, page: (cards: [TemplateCard], next: TemplateCursor?), signedIn: Bool) -> TemplatesPageView {
        let dates = DateFormatter.utc("d MMM yyyy")
        let first = state.with { $0.cursor = nil }
        let filtered = !state.q.isEmpty || state.category != nil
        return TemplatesPageView(
            heading: state.mine ? "Your templates" : "Templates",
            lede: state.mine
                ? "Every template of your workspace, whatever its status. Only public ones are listed for others."
                : "Working MCP servers people published. Fork one: you get its code and tools, and bring your own keys.",
            views: signedIn ? [
                Link(title: "All", href: first.with { $0.mine = false }.href(), isCurrent: !state.mine),
                Link(title: "Mine", href: first.with { $0.mine = true }.href(), isCurrent: state.mine),
            ] : [],
            tabs: TemplateSort.allCases.map { sort in
                Link(title: sort.label, href: first.with { $0.sort = sort }.href(), isCurrent: state.sort == sort)
            },
            categories: [Link(title: "All categories", href: first.with { $0.category = nil }.href(), isCurrent: state.category == nil)]
                + TemplateCategory.allCases.map { category in
                    Link(title: category.label, href: first.with { $0.category = category }.href(), isCurrent: state.category == category)
                },
            search: .init(
                action: SiteRoute.templates.path,
                query: state.q,
                hidden: (state.mine ? [.init(name: "view", value: "mine")] : [])
                    + (state.sort != .trending ? [.init(name: "sort", value: state.sort.rawValue)] : [])
                    + (state.category.map { [.init(name: "category", value: $0.rawValue)] } ?? [])
            ),
            cards: page.cards.map { .init($0, dates: dates, showsStatus: state.mine) },
            isMine: state.mine,
            noResults: page.cards.isEmpty && filtered ? noResultsText(state) : nil,
            clearHref: first.with { $0.q = ""; $0.category = nil }.href(),
            isEmpty: page.cards.isEmpty && !filtered && state.cursor == nil,
            nextHref: page.next.map { next in state.with { $0.cursor = next.text }.href() },
            firstHref: state.cursor == nil ? nil : first.href(),
            createHref: SiteRoute.newServer.path
        )
    }

    static func noResultsText(_ state: TemplatesPageState) -> String {
        switch (state.q.isEmpty, state.category) {
        case (false, let category?): "No \(category.label) templates match “\(state.q)”."
        case (false, nil): "No templates match “\(state.q)”."
        case (true, let category?): "No \(category.label) templates yet."
        case (true, nil): "No templates yet."
        }
    }

    static func title(_ state: TemplatesPageState) -> String {
        if state.mine { return "Your templates" }
        let sort = state.sort == .trending ? "" : state.sort.label + " "
        return sort + (state.category.map { "\($0.label) MCP server templates" } ?? "MCP server templates")
    }

    static func description(_ state: TemplatesPageState) -> String {
        let scope = state.category.map { " in \($0.label)" } ?? ""
        return "Browse and fork ready-made MCP servers\(scope): tools, code and the keys they need, hosted for you with OAuth."
    }
}
