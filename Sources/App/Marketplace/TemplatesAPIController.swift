import Foundation
import Vapor

/// The public read side of the marketplace API: the listing and one template.
enum TemplatesAPIController {
    /// `GET /v1/templates?sort=&category=&q=&cursor=`: public templates, 20 a page.
    static func list(_ req: Request) async throws -> Response {
        let query = try TemplateListing.Query(
            sort: req.queryText("sort"), category: req.queryText("category"),
            q: req.queryText("q"), cursor: req.queryText("cursor")
        )
        let page = try await TemplateListing(database: req.db, now: req.application.clock.now()).page(query)
        return try req.json(TemplateListPage(templates: page.cards, nextCursor: page.next?.text))
    }

    /// `GET /v1/templates/{slug}`: 404 for hidden and draft templates unless the caller's
    /// workspace owns them, 410 after a takedown for everyone.
    static func show(_ req: Request) async throws -> Response {
        let slug = try req.parameters.require(RouteKey.template.rawValue)
        let template = try await TemplateAccess(database: req.db, viewerOrganization: req.currentUser?.organization.id).visible(slug)
        let data = try await TemplateDetailQuery(database: req.db).load(template)
        let response = try req.json(TemplateDetail(data, baseURL: req.accounts.publicURL))
        return template.status == .public ? response : response.noStore()
    }
}
