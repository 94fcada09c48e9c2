import Vapor

/// `/security`, `/privacy`, `/terms` and `/agb`, from `Content/legal/`.
enum LegalController {
    static func page(_ page: SiteRoute.LegalPage) -> @Sendable (Request) async throws -> Response {
        { req in
            let route = SiteRoute.legal(page)
            return try await req.publicPage(route) {
                let site = req.site
                guard let document = site.content.legal[page] else { throw Abort(.notFound) }
                let rendered = site.markdown.render(document.markdown)
                let view = LegalView(
                    title: document.title,
                    description: document.description,
                    html: rendered.html,
                    toc: rendered.headings.filter { $0.level == 2 }.map { TOCEntry(level: $0.level, id: $0.id, text: $0.text) },
                    tocTitle: document.language == "de" ? "Inhalt" : "Contents"
                )
                var meta = site.meta(
                    title: document.title,
                    description: document.description,
                    route: route,
                    language: document.language,
                    jsonLD: [JSONLD.breadcrumbs([("Home", site.url(.home)), (document.title, site.url(route))])]
                )
                // The terms in English and in German are one document in two languages.
                let translations: [SiteRoute.LegalPage: (String, SiteRoute.LegalPage)] = [.terms: ("de", .agb), .agb: ("en", .terms)]
                if let (language, other) = translations[page] {
                    meta.alternates = [PageAlternate(language: document.language, href: site.url(route)),
                                       PageAlternate(language: language, href: site.url(.legal(other)))]
                }
                return try await req.renderHTML("Site/legal", Page(layout: site.layout(meta, current: route), page: view))
            }
        }
    }
}
