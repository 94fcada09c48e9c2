import Vapor

/// The public site: marketing, docs, changelog, legal pages, status and the files
/// around them. No account middleware: these never touch the database for a visitor.
/// Only `/status` knows who asks (without a session cookie that costs nothing), to show
/// administrators how the sandbox is contained.
struct SiteRoutes: RouteCollection {
    let sessions: SessionAuthenticator

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.home, use: MarketingController.home)
        routes.get(.pricing, use: MarketingController.pricing)
        routes.get(.docsIndex, use: DocsController.index)
        routes.get(.docs(path: .key), use: DocsController.page)
        routes.get(.changelog, use: ChangelogController.page)
        routes.get(.changelogFeed, use: ChangelogController.feed)
        for page in SiteRoute.LegalPage.allCases {
            routes.get(.legal(page), use: LegalController.page(page))
        }
        routes.grouped(sessions).get(.status, use: HealthController.status)
        routes.get(.healthz, use: HealthController.healthz)
        routes.get(.readyz, use: HealthController.readyz)
        routes.get(.offline, use: SiteFilesController.offline)
        routes.get(.sitemap, use: SiteFilesController.sitemap)
        routes.get(.robots, use: SiteFilesController.robots)
        routes.get(.searchIndex, use: SiteFilesController.searchIndex)
        routes.get(.openAPI, use: SiteFilesController.openAPI)
        routes.get(.webManifest, use: SiteFilesController.webManifest)
        routes.get(.favicon, use: SiteFilesController.favicon)
        routes.get(.serviceWorker, use: SiteFilesController.serviceWorker)
        routes.get(.asset(.key), use: SiteFilesController.asset)
    }
}
