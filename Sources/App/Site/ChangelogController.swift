import Foundation
import Vapor

/// `/changelog` and its Atom feed, from `Content/changelog/*.md`.
enum ChangelogController {
    static func page(_ req: Request) async throws -> Response {
        try await req.publicPage(.changelog) {
            let site = req.site
            let view = ChangelogView(
                entries: site.content.changelog.map { entry in
                    ChangelogView.Entry(
                        anchor: entry.anchor,
                        title: entry.title,
                        date: DayLabel.iso(entry.date),
                        dateLabel: DayLabel.long(entry.date),
                        tags: entry.tags,
                        html: site.markdown.render(entry.markdown).html
                    )
                },
                feedHref: SiteRoute.changelogFeed.path
            )
            let meta = site.meta(
                title: "Changelog",
                description: "What changed in BuildMyMCPServer, newest first: new features, fixes and security improvements, also available as an Atom feed.",
                route: .changelog,
                jsonLD: [JSONLD.breadcrumbs([("Home", site.url(.home)), ("Changelog", site.url(.changelog))])]
            )
            return try await req.renderHTML("Site/changelog", Page(layout: site.layout(meta, current: .changelog), page: view))
        }
    }

    static func feed(_ req: Request) async throws -> Response {
        try await req.publicFile(.changelogFeed, contentType: "application/atom+xml; charset=utf-8") {
            let site = req.site
            return AtomFeed(
                title: "\(PublicSite.name) changelog",
                feedURL: site.url(.changelogFeed),
                pageURL: site.url(.changelog),
                entries: site.content.changelog.map { entry in
                    AtomFeed.Entry(
                        id: site.url(.changelog) + "#" + entry.anchor,
                        title: entry.title,
                        updated: entry.date,
                        summary: entry.description,
                        html: site.markdown.render(entry.markdown).html,
                        categories: entry.tags
                    )
                }
            ).xml
        }
    }
}
