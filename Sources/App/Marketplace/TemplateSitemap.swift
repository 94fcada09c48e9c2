import Fluent
import Foundation

/// The marketplace's lines of `/sitemap.xml`: the listing and every public template,
/// with the date it last changed.
struct TemplateSitemap: Sendable {
    let database: any Database

    func entries(baseURL: String) async throws -> String {
        let templates = try await Template.query(on: database).filter(\.$status == .public)
            .field(\.$slug).field(\.$updatedAt).sort(\.$slug).all()
        let day = DateFormatter.utc("yyyy-MM-dd")
        var xml = "  <url><loc>\(XML.escape(SiteRoute.templates.url(base: baseURL)))</loc></url>\n"
        for template in templates {
            let location = XML.escape(SiteRoute.template(.value(template.slug)).url(base: baseURL))
            xml += "  <url><loc>\(location)</loc><lastmod>\(day.string(from: template.updatedAt))</lastmod></url>\n"
        }
        return xml
    }
}
