import Vapor

/// `/metrics`, outside every account middleware: a scraper has no session.
struct ObservabilityRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.metrics, use: MetricsController.scrape)
    }
}
