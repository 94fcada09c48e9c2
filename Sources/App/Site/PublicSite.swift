import Foundation
import Markdown
import Templating
import Vapor

/// What the public pages are made of: configuration, Markdown content and assets.
/// Built once at start-up and shared read-only by every request.
struct PublicSite: Sendable {
    static let name = "BuildMyMCPServer"

    let baseURL: String
    let content: SiteContent
    let assets: AssetManifest
    let markdown = MarkdownRenderer()
    let assetURLs: AssetURLs
    let sidebar: DocsSidebar
    /// The clock the footer's year comes from.
    let now: @Sendable () -> Date
    /// `Last-Modified` of every public page, file and asset: when the site's files were loaded.
    /// Nothing public changes while the process runs; a restart may have changed anything.
    let lastModified: String
    /// Development only: the script that reloads the page when a file changes.
    var developmentReload: DevelopmentReloadScript?

    init(baseURL: String, content: SiteContent, assets: AssetManifest, templates: TemplateLibrary, now: @escaping @Sendable () -> Date) throws {
        self.baseURL = baseURL
        self.now = now
        self.lastModified = HTTPDate.string(now())
        self.content = content
        self.assets = assets
        self.sidebar = try DocsSidebar(docs: content.docs, templates: templates)
        self.assetURLs = AssetURLs(
            css: try assets.url("css/site.css"),
            siteJS: try assets.url("js/site.js"),
            glowJS: try assets.url("js/glow.js"),
            iconSVG: try assets.url("icons/icon.svg"),
            icon192: try assets.url("icons/icon-192.png"),
            icon512: try assets.url("icons/icon-512.png"),
            manifest: SiteRoute.webManifest.path
        )
    }

    func url(_ route: SiteRoute) -> String { route.url(base: baseURL) }

    /// The chrome around a page. `current` marks the active header link.
    func layout(_ meta: PageMeta, current: SiteRoute?) -> Layout {
        func link(_ title: String, _ route: SiteRoute) -> Link {
            Link(title: title, href: route.path, isCurrent: route == current)
        }
        let isDocs: Bool = {
            switch current {
            case .docsIndex?, .docs?: true
            default: false
            }
        }()
        return Layout(
            site: SiteInfo(
                name: Self.name,
                homeHref: SiteRoute.home.path,
                statusHref: SiteRoute.status.path,
                year: Calendar(identifier: .gregorian).component(.year, from: now())
            ),
            meta: meta,
            nav: [
                Link(title: "Docs", href: SiteRoute.docsIndex.path, isCurrent: isDocs),
                link("Templates", .templates),
                link("Pricing", .pricing),
                link("Changelog", .changelog),
            ],
            footer: [
                FooterColumn(title: "Product", links: [
                    link("Pricing", .pricing),
                    link("Changelog", .changelog),
                    link("System status", .status),
                ]),
                // Only pages the docs folder has: `--content` may point at another one.
                FooterColumn(title: "Docs", links: [
                    ("Quickstart", "quickstart"), ("OAuth 2.1 flow", "oauth"),
                    ("Self-hosting", "self-hosting"), ("API reference", "api"),
                ].filter { content.docs.entry(at: $0.1) != nil }.map { link($0.0, .docs(path: .value($0.1))) }),
                FooterColumn(title: "Legal", links: [
                    link("Security", .legal(.security)),
                    link("Privacy", .legal(.privacy)),
                    link("Terms", .legal(.terms)),
                    Link(title: "AGB (Deutsch)", href: SiteRoute.legal(.agb).path, isCurrent: current == .legal(.agb), language: "de"),
                ]),
            ],
            assets: assetURLs,
            account: AccountLinks(
                signInHref: SiteRoute.login.path,
                startHref: SiteRoute.login.path(QueryString([("next", SiteRoute.dashboard.path)])),
                dashboardHref: SiteRoute.dashboard.path,
                meHref: SiteRoute.api(.me).path
            ),
            developmentReload: developmentReload
        )
    }

    /// Metadata with the defaults every indexable page shares.
    func meta(
        title: String,
        description: String,
        route: SiteRoute,
        language: String = "en",
        openGraphType: String = "website",
        jsonLD: [String] = [],
        scripts: [String] = []
    ) -> PageMeta {
        PageMeta(
            title: route == .home ? "\(Self.name) — \(title)" : "\(title) · \(Self.name)",
            description: description,
            canonicalURL: url(route),
            openGraphType: openGraphType,
            openGraphImageURL: baseURL + assetURLs.icon512,
            language: language,
            jsonLD: jsonLD,
            noIndex: false,
            scripts: scripts,
            feedHref: SiteRoute.changelogFeed.path
        )
    }

    /// Metadata for pages that must not be indexed (404, errors, offline).
    func unlistedMeta(title: String, description: String) -> PageMeta {
        PageMeta(
            title: "\(title) · \(Self.name)",
            description: description,
            canonicalURL: nil,
            openGraphType: "website",
            openGraphImageURL: baseURL + assetURLs.icon512,
            language: "en",
            jsonLD: [],
            noIndex: true,
            scripts: [],
            feedHref: nil
        )
    }

    func script(_ logicalPath: String) -> String {
        assets.byLogicalPath[logicalPath]?.url ?? ""
    }
}

extension Application {
    var publicSite: PublicSite { siteFiles.current.site }
}

extension Request {
    var site: PublicSite { application.publicSite }
}
