import Markdown
import Vapor

/// `/docs` and every page below it, from the docs Markdown folder.
enum DocsController {
    static func index(_ req: Request) async throws -> Response {
        try await req.publicPage(.docsIndex) {
            let site = req.site
            let docs = site.content.docs
            let sections = docs.sections.filter { !$0.pageIndices.isEmpty }.map { section in
                DocsIndexView.Section(
                    title: section.path.isEmpty ? "" : section.title,
                    href: section.path.isEmpty ? nil : SiteRoute.docs(path: .value(section.path)).path,
                    pages: section.pageIndices.map { entry(docs.pages[$0]) }
                )
            }
            let view = DocsIndexView(
                title: "Documentation",
                intro: "Everything you need to describe, build, connect and run hosted MCP servers — and to host BuildMyMCPServer yourself.",
                sections: sections,
                sidebar: try site.sidebar.html(currentSection: nil, currentPage: nil),
                breadcrumbs: [Link(title: "Docs", href: SiteRoute.docsIndex.path, isCurrent: true)],
                searchIndexHref: SiteRoute.searchIndex.path
            )
            let meta = site.meta(
                title: "Documentation",
                description: "BuildMyMCPServer documentation: quickstart, MCP concepts, the OAuth 2.1 flow, authoring tools in JavaScript, self-hosting and the API reference.",
                route: .docsIndex,
                jsonLD: [JSONLD.breadcrumbs([("Docs", site.url(.docsIndex))])],
                scripts: [site.script("js/docs.js")]
            )
            return try await req.renderHTML("Site/docs-index", Page(layout: site.layout(meta, current: .docsIndex), page: view))
        }
    }

    static func page(_ req: Request) async throws -> Response {
        let path = req.parameters.getCatchall().joined(separator: "/")
        let docs = req.site.content.docs
        switch docs.entry(at: path) {
        case .page(let index)?:
            return try await req.publicPage(.docs(path: .value(path))) { try await renderPage(req, index: index) }
        case .section(let index)?:
            return try await req.publicPage(.docs(path: .value(path))) { try await renderSection(req, index: index) }
        case nil:
            throw Abort(.notFound)
        }
    }

    private static func renderPage(_ req: Request, index: Int) async throws -> Response {
        let site = req.site
        let docs = site.content.docs
        let page = docs.pages[index]
        let section = docs.sections[page.sectionIndex]
        let route = SiteRoute.docs(path: .value(page.path))
        let rendered = site.markdown.render(page.markdown) { destination in
            docs.resolveLink(destination, from: page.sourcePath)
        }
        var crumbs = [Link(title: "Docs", href: SiteRoute.docsIndex.path)]
        if !section.path.isEmpty { crumbs.append(Link(title: section.title, href: SiteRoute.docs(path: .value(section.path)).path)) }
        crumbs.append(Link(title: page.title, href: route.path, isCurrent: true))

        let view = DocsPageView(
            title: page.title,
            description: page.description,
            html: rendered.html,
            toc: rendered.headings.filter { $0.level <= 3 }.map { TOCEntry(level: $0.level, id: $0.id, text: $0.text) },
            sidebar: try site.sidebar.html(currentSection: page.sectionIndex, currentPage: index),
            breadcrumbs: crumbs,
            previous: index > 0 ? link(docs.pages[index - 1]) : nil,
            next: index + 1 < docs.pages.count ? link(docs.pages[index + 1]) : nil,
            searchIndexHref: SiteRoute.searchIndex.path
        )
        var jsonLD = [
            JSONLD.document("TechArticle", [
                "headline": .string(page.title),
                "description": .string(page.description),
                "url": .string(site.url(route)),
                "inLanguage": .string("en"),
                "isPartOf": .object(["@type": .string("WebSite"), "name": .string(PublicSite.name), "url": .string(site.url(.home))]),
            ]).serialized,
            JSONLD.breadcrumbs(crumbs.map { ($0.title, site.baseURL + $0.href) }),
        ]
        if page.kind == "faq" {
            jsonLD.append(FAQStructuredData.jsonLD(page.markdown, renderer: site.markdown))
        }
        let meta = site.meta(
            title: page.title,
            description: page.description,
            route: route,
            openGraphType: "article",
            jsonLD: jsonLD,
            scripts: [site.script("js/docs.js")]
        )
        return try await req.renderHTML("Site/docs-page", Page(layout: site.layout(meta, current: route), page: view))
    }

    private static func renderSection(_ req: Request, index: Int) async throws -> Response {
        let site = req.site
        let docs = site.content.docs
        let section = docs.sections[index]
        let route = SiteRoute.docs(path: .value(section.path))
        let crumbs = [
            Link(title: "Docs", href: SiteRoute.docsIndex.path),
            Link(title: section.title, href: route.path, isCurrent: true),
        ]
        let view = DocsIndexView(
            title: section.title,
            intro: section.description.isEmpty ? "All pages in \(section.title)." : section.description,
            sections: [.init(title: "", href: nil, pages: section.pageIndices.map { entry(docs.pages[$0]) })],
            sidebar: try site.sidebar.html(currentSection: index, currentPage: nil),
            breadcrumbs: crumbs,
            searchIndexHref: SiteRoute.searchIndex.path
        )
        let description = section.description.isEmpty
            ? "\(section.title): \(section.pageIndices.count) pages of the BuildMyMCPServer documentation."
            : section.description
        let meta = site.meta(
            title: section.title,
            description: description,
            route: route,
            jsonLD: [JSONLD.breadcrumbs(crumbs.map { ($0.title, site.baseURL + $0.href) })],
            scripts: [site.script("js/docs.js")]
        )
        return try await req.renderHTML("Site/docs-index", Page(layout: site.layout(meta, current: route), page: view))
    }

    private static func link(_ page: DocsCatalog.Page, isCurrent: Bool = false) -> Link {
        Link(title: page.title, href: SiteRoute.docs(path: .value(page.path)).path, isCurrent: isCurrent)
    }

    private static func entry(_ page: DocsCatalog.Page) -> DocsIndexView.Entry {
        DocsIndexView.Entry(title: page.title, href: SiteRoute.docs(path: .value(page.path)).path, description: page.description)
    }
}
