import Vapor

/// Finding templates: the listing and each template's page (the same for everyone,
/// except that a workspace also sees its own hidden and draft templates), their JSON
/// and the `server.json` download. Publishing, forking and moderation register their
/// own routes.
struct TemplateDiscoveryRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.api(.templates), use: TemplatesAPIController.list)
        let viewer = routes.grouped(accounts)
        viewer.get(.templates, use: TemplatesPageController.list)
        viewer.get(.template(.key), use: TemplatePageController.page)
        viewer.get(.template(.key, .serverJSON), use: TemplatePageController.serverJSON)
        viewer.get(.api(.template(.key)), use: TemplatesAPIController.show)
    }
}
