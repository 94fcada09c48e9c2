import Vapor

/// Registers every route of `SiteRoute` with its handler.
func routes(_ app: Application) throws {
    func get(_ route: SiteRoute, _ handler: @escaping @Sendable (Request) async throws -> Response) {
        app.on(.GET, route.components.map { PathComponent(stringLiteral: $0) }, use: handler)
    }
    get(.home, MarketingController.home)
    get(.pricing, MarketingController.pricing)
    get(.docsIndex, DocsController.index)
    app.get("docs", "**", use: DocsController.page)
    get(.changelog, ChangelogController.page)
    get(.changelogFeed, ChangelogController.feed)
    for page in SiteRoute.LegalPage.allCases {
        get(.legal(page), LegalController.page(page))
    }
    get(.status, HealthController.status)
    get(.healthz, HealthController.healthz)
    get(.readyz, HealthController.readyz)
    get(.offline, SiteFilesController.offline)
    get(.sitemap, SiteFilesController.sitemap)
    get(.robots, SiteFilesController.robots)
    get(.searchIndex, SiteFilesController.searchIndex)
    get(.webManifest, SiteFilesController.webManifest)
    get(.serviceWorker, SiteFilesController.serviceWorker)
    app.get("assets", "**", use: SiteFilesController.asset)
}
